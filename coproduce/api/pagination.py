from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-numbered lists with the total in "count". Bounds keep silly numbers from reaching SQL."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, starting at 1")
        page_size: int | None = Field(None, ge=1, le=100, description="Items per page, at most 100")

    def __init__(self, **kwargs):
        super().__init__(page_size=25, max_page_size=100, **kwargs)
