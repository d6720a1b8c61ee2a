"""An OpenID provider on Authlib, the OAuth library of the Python world, as
Debian packages it (python3-authlib 1.2, with Flask and Flask-SQLAlchemy),
put together the way Authlib's documentation builds a Flask server
(https://docs.authlib.org/en/latest/flask/2/index.html,
https://docs.authlib.org/en/latest/flask/2/openid-connect.html):

- the authorization code grant (RFC 6749 §4.1) with PKCE required (RFC 7636,
  S256) and OpenID Connect's code flow (ID tokens RS256), the client's id and
  secret as Basic or in the form;
- refresh tokens (§6) rotated: each refresh answers a new pair and revokes
  the old one, access and refresh token alike;
- RFC 7009 revocation at /oauth/revoke, userinfo at /oauth/userinfo, and a
  discovery document (OpenID Connect Discovery) and JWKS served here, as
  Authlib leaves those to the application;
- a login form and a consent page, a protected /api/notes behind notes:read.

GET /test/counts gives the token and revocation requests received, by grant
type and status. State (SQLite database, signing key) lives in
AUTHLIB_STATE_DIR.

  python3 server.py setup --client-id=ID --client-secret=S --redirect-uri=URI --password=P alice bob
  python3 server.py serve --port=PORT
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from collections import Counter
from urllib.parse import quote

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.integrations.sqla_oauth2 import (
    OAuth2AuthorizationCodeMixin,
    OAuth2ClientMixin,
    OAuth2TokenMixin,
    create_bearer_token_validator,
    create_query_client_func,
    create_revocation_endpoint,
    create_save_token_func,
)
from authlib.jose import JsonWebKey
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode as BaseOpenIDCode
from flask import Flask, jsonify, redirect, render_template_string, request, session
from flask_sqlalchemy import SQLAlchemy

STATE_DIR = os.environ['AUTHLIB_STATE_DIR']
ISSUER = os.environ['AUTHLIB_ISSUER']
ACCESS_TOKEN_SECONDS = int(os.environ.get('AUTHLIB_ACCESS_TOKEN_SECONDS', '3600'))

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ['AUTHLIB_SECRET_KEY'],
    SQLALCHEMY_DATABASE_URI='sqlite:///' + os.path.join(STATE_DIR, 'authlib.sqlite3'),
    SQLALCHEMY_ENGINE_OPTIONS={'connect_args': {'timeout': 10}},
    OAUTH2_TOKEN_EXPIRES_IN={'authorization_code': ACCESS_TOKEN_SECONDS, 'refresh_token': ACCESS_TOKEN_SECONDS},
    OAUTH2_REFRESH_TOKEN_GENERATOR=True,
)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    name = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120), nullable=False)
    password_sha256 = db.Column(db.String(64), nullable=False)

    def get_user_id(self):
        return self.id


class OAuth2Client(db.Model, OAuth2ClientMixin):
    id = db.Column(db.Integer, primary_key=True)


class OAuth2AuthorizationCode(db.Model, OAuth2AuthorizationCodeMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id', ondelete='CASCADE'))


class OAuth2Token(db.Model, OAuth2TokenMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id', ondelete='CASCADE'))
    user = db.relationship('User')


def private_key():
    with open(os.path.join(STATE_DIR, 'signing-key.pem'), 'rb') as pem:
        return JsonWebKey.import_key(pem.read(), {'kty': 'RSA', 'kid': 'authlib-1'})


def user_info(user, scope):
    claims = {'sub': str(user.id), 'name': user.name, 'preferred_username': user.username}
    if 'email' in scope.split():
        claims.update(email=user.email, email_verified=True)
    return UserInfo(claims)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post']

    def save_authorization_code(self, code, request):
        item = OAuth2AuthorizationCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=request.redirect_uri,
            scope=request.scope,
            user_id=request.user.id,
            nonce=request.data.get('nonce'),
            code_challenge=request.data.get('code_challenge'),
            code_challenge_method=request.data.get('code_challenge_method'),
        )
        db.session.add(item)
        db.session.commit()
        return item

    def query_authorization_code(self, code, client):
        item = OAuth2AuthorizationCode.query.filter_by(code=code, client_id=client.client_id).first()
        if item and not item.is_expired():
            return item
        return None

    def delete_authorization_code(self, authorization_code):
        db.session.delete(authorization_code)
        db.session.commit()

    def authenticate_user(self, authorization_code):
        return db.session.get(User, authorization_code.user_id)


class OpenIDCode(BaseOpenIDCode):
    def exists_nonce(self, nonce, request):
        return OAuth2AuthorizationCode.query.filter_by(client_id=request.client_id, nonce=nonce).first() is not None

    def get_jwt_config(self, grant):
        return {'key': private_key(), 'alg': 'RS256', 'iss': ISSUER, 'exp': 3600}

    def generate_user_info(self, user, scope):
        return user_info(user, scope)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post']
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        token = OAuth2Token.query.filter_by(refresh_token=refresh_token).first()
        if token and not token.refresh_token_revoked_at:
            return token
        return None

    def authenticate_user(self, credential):
        return db.session.get(User, credential.user_id)

    def revoke_old_credential(self, credential):
        now = int(time.time())
        credential.access_token_revoked_at = now
        credential.refresh_token_revoked_at = now
        db.session.add(credential)
        db.session.commit()


authorization = AuthorizationServer(
    app,
    query_client=create_query_client_func(db.session, OAuth2Client),
    save_token=create_save_token_func(db.session, OAuth2Token),
)
authorization.register_grant(AuthorizationCodeGrant, [CodeChallenge(required=True), OpenIDCode(require_nonce=False)])
authorization.register_grant(RefreshTokenGrant)
authorization.register_endpoint(create_revocation_endpoint(db.session, OAuth2Token))
require_oauth = ResourceProtector()
require_oauth.register_token_validator(create_bearer_token_validator(db.session, OAuth2Token)())

counts = Counter()
counts_lock = threading.Lock()


@app.after_request
def count(response):
    if request.method == 'POST' and request.path in ('/oauth/token', '/oauth/revoke'):
        keys = [f"token:{request.form.get('grant_type', '')}", f"token:{request.form.get('grant_type', '')}:{response.status_code}"] if request.path == '/oauth/token' else ['revoke', f'revoke:{response.status_code}']
        with counts_lock:
            counts.update(keys)
    return response


def signed_in_user():
    user_id = session.get('user_id')
    return db.session.get(User, user_id) if user_id is not None else None


LOGIN = '<!doctype html><title>Sign in</title><form method="post"><input name="username"><input name="password" type="password"><button>Sign in</button></form>'
CONSENT = """<!doctype html><title>Authorize {{ grant.client.client_name }}</title>
<h1>Authorize {{ grant.client.client_name }} for {{ user.username }}?</h1>
<form method="post" action="{{ action }}"><input type="hidden" name="confirm" value="yes"><button>Authorize</button></form>
<form method="post" action="{{ action }}"><input type="hidden" name="confirm" value="no"><button>Deny</button></form>"""


@app.route('/login', methods=['GET', 'POST'])
def login():
    if request.method == 'GET':
        return LOGIN
    user = User.query.filter_by(username=request.form.get('username', '')).first()
    given = hashlib.sha256(request.form.get('password', '').encode()).hexdigest()
    if user is None or not hmac.compare_digest(user.password_sha256, given):
        return 'Wrong username or password', 401
    session['user_id'] = user.id
    return redirect(request.args.get('next') or '/')


@app.route('/oauth/authorize', methods=['GET', 'POST'])
def authorize():
    user = signed_in_user()
    if user is None:
        return redirect('/login?next=' + quote(request.full_path))
    if request.method == 'GET':
        grant = authorization.get_consent_grant(end_user=user)
        return render_template_string(CONSENT, grant=grant, user=user, action=request.full_path)
    return authorization.create_authorization_response(grant_user=user if request.form.get('confirm') == 'yes' else None)


@app.route('/oauth/token', methods=['POST'])
def issue_token():
    return authorization.create_token_response()


@app.route('/oauth/revoke', methods=['POST'])
def revoke_token():
    return authorization.create_endpoint_response('revocation')


@app.route('/oauth/userinfo')
@require_oauth('openid')
def userinfo():
    return jsonify(user_info(current_token.user, current_token.scope))


@app.route('/oauth/jwks')
def jwks():
    return jsonify({'keys': [dict(private_key().as_dict(is_private=False), use='sig', alg='RS256')]})


@app.route('/.well-known/openid-configuration')
def discovery():
    return jsonify(
        issuer=ISSUER,
        authorization_endpoint=f'{ISSUER}/oauth/authorize',
        token_endpoint=f'{ISSUER}/oauth/token',
        userinfo_endpoint=f'{ISSUER}/oauth/userinfo',
        revocation_endpoint=f'{ISSUER}/oauth/revoke',
        jwks_uri=f'{ISSUER}/oauth/jwks',
        scopes_supported=['openid', 'profile', 'email', 'notes:read'],
        response_types_supported=['code'],
        grant_types_supported=['authorization_code', 'refresh_token'],
        subject_types_supported=['public'],
        id_token_signing_alg_values_supported=['RS256'],
        token_endpoint_auth_methods_supported=['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported=['S256'],
    )


@app.route('/api/notes')
@require_oauth('notes:read')
def notes():
    user = current_token.user
    return jsonify(username=user.username, notes=[f"{user.username}'s first note"])


@app.route('/test/counts')
def test_counts():
    with counts_lock:
        return jsonify(dict(counts))


def setup(arguments):
    with app.app_context():
        db.create_all()
        subjects = {}
        for username in arguments.usernames:
            user = User(username=username, name=f'{username.capitalize()} Example', email=f'{username}@example.test', password_sha256=hashlib.sha256(arguments.password.encode()).hexdigest())
            db.session.add(user)
            db.session.flush()
            subjects[username] = str(user.id)
        client = OAuth2Client(client_id=arguments.client_id, client_secret=arguments.client_secret, client_id_issued_at=int(time.time()))
        client.set_client_metadata({
            'client_name': 'Tokenkeeper',
            'redirect_uris': [arguments.redirect_uri],
            'grant_types': ['authorization_code', 'refresh_token'],
            'response_types': ['code'],
            'scope': 'openid profile email notes:read',
            'token_endpoint_auth_method': 'client_secret_basic',
        })
        db.session.add(client)
        db.session.commit()
        json.dump({'subjects': subjects}, sys.stdout)


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest='command', required=True)
    made = commands.add_parser('setup')
    for name in ('client-id', 'client-secret', 'redirect-uri', 'password'):
        made.add_argument(f'--{name}', required=True)
    made.add_argument('usernames', nargs='+')
    served = commands.add_parser('serve')
    served.add_argument('--port', type=int, required=True)
    arguments = parser.parse_args()
    if arguments.command == 'setup':
        setup(arguments)
    else:
        app.run(host='127.0.0.1', port=arguments.port, threaded=True)


if __name__ == '__main__':
    main()
