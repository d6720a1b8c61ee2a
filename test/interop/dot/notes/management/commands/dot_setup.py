import json

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

from notes.models import Note


class Command(BaseCommand):
    help = "Migrates, creates the users (with two notes each) and Tokenkeeper's client; prints each user's sub as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("usernames", nargs="+")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        subjects = {}
        for username in options["usernames"]:
            user = get_user_model().objects.create_user(
                username,
                email=f"{username}@example.test",
                password=options["password"],
                first_name=username.capitalize(),
                last_name="Example",
            )
            Note.objects.create(owner=user, text=f"{username}'s first note")
            Note.objects.create(owner=user, text=f"{username}'s second note")
            # DOT's ID tokens and userinfo say sub = the user's primary key.
            subjects[username] = str(user.pk)
        Application = get_application_model()
        Application.objects.create(
            name="Tokenkeeper",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=options["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )
        self.stdout.write(json.dumps({"subjects": subjects}))
