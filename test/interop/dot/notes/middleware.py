"""Counts the requests DOT's token and revocation endpoints receive, for the tests' "exactly one refresh"."""
import threading
from collections import Counter
from urllib.parse import parse_qs

from django.http import JsonResponse

_lock = threading.Lock()
_counts = Counter()


class CountTokenRequests:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if request.method == "POST" and request.path == "/o/token/":
            # request.body, not request.POST: Django can parse POST from a read
            # body later, but cannot give the body once POST has consumed it.
            grant_type = parse_qs(request.body.decode("utf-8", "replace")).get("grant_type", ["none"])[0]
            key = f"token:{grant_type}"
        elif request.method == "POST" and request.path == "/o/revoke_token/":
            key = "revoke"
        if key:
            with _lock:
                _counts[key] += 1
        response = self.get_response(request)
        if key:
            with _lock:
                _counts[f"{key}:{response.status_code}"] += 1
        return response


def counts(request):
    """{"token:refresh_token": n, "token:refresh_token:200": n, "revoke": n, …} since start."""
    with _lock:
        return JsonResponse(dict(_counts))
