from django.http import JsonResponse
from django.views.decorators.http import require_GET
from oauth2_provider.oauth2_backends import get_oauthlib_core


@require_GET
def notes(request):
    """
    The user's name and notes, for an access token with the `read` scope.
    Checked with DOT's OAuthLibCore rather than its ProtectedResourceView,
    which answers 403: a bad or expired token gets 401 with
    WWW-Authenticate, as RFC 6750 §3.1 says.
    """
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=["read"])
    if not valid:
        return JsonResponse(
            {"error": "invalid_token"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="notes", error="invalid_token"'},
        )
    user = oauth_request.user
    return JsonResponse(
        {
            "username": user.username,
            "name": user.get_full_name(),
            "notes": [note.text for note in user.notes.order_by("id")],
        }
    )
