from oauth2_provider.oauth2_validators import OAuth2Validator


class NotesValidator(OAuth2Validator):
    """
    Adds the profile claims to the ID token and userinfo (DOT sends only `sub`
    by default). Written without the request argument, so discovery lists them
    in claims_supported: https://django-oauth-toolkit.readthedocs.io/en/latest/oidc.html
    """

    def get_additional_claims(self):
        return {
            "name": lambda request: request.user.get_full_name(),
            "preferred_username": lambda request: request.user.username,
            "email": lambda request: request.user.email,
        }
