from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]
