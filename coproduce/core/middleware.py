from .audit import current_ip_address


class AuditContextMiddleware:
    """Remember the client's address for audit rows written while this request runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            current_ip_address.reset(token)
