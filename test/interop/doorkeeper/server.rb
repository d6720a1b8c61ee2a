# frozen_string_literal: true

# A GitLab-shaped OAuth 2.0 and OpenID Connect server on Doorkeeper and
# doorkeeper-openid_connect, the Rails engines GitLab's own OAuth provider is
# built on, as Debian packages them (ruby-doorkeeper, ruby-doorkeeper-openid-connect).
# Configured as GitLab documents its provider:
# - the authorization code flow, with PKCE (S256 or plain), on /oauth/authorize
#   and /oauth/token, the client's id and secret in the form or as Basic
#   (https://docs.gitlab.com/api/oauth2/);
# - access tokens of two hours (expires_in 7200) and a refresh token with each,
#   a refresh answering a new pair (same page); Doorkeeper keeps the spent
#   refresh token usable until the new access token is first used, then
#   revokes it (its previous_refresh_token column);
# - the scopes openid, profile, email and read_user among GitLab's, a scope
#   outside them refused (https://docs.gitlab.com/integration/oauth_provider/);
# - OpenID Connect discovery at /.well-known/openid-configuration with the
#   instance's URL as issuer, RS256 ID tokens whose sub is the user id, and
#   /oauth/userinfo with name, nickname, preferred_username, email and
#   email_verified (https://docs.gitlab.com/integration/openid_connect_provider/);
# - RFC 7009 revocation at /oauth/revoke;
# - the REST API's GET /api/v4/user for a token with read_user or api
#   (https://docs.gitlab.com/api/users/), answered here by a small stand-in.
# Tokens are stored hashed, as GitLab stores them. A person signs in at
# /users/sign_in with a password, then approves the app on Doorkeeper's
# consent page, or revokes it at /oauth/authorized_applications.
# GET /test/counts gives the token and revocation requests received, by grant
# type and status.
#
# With DOORKEEPER_SHAPE=mastodon it is shaped as a Mastodon instance (4.3 or
# later), whose OAuth server is Doorkeeper too, as Mastodon documents it:
# - tokens that do not expire and no refresh token: "Tokens will not expire
#   automatically. They will become invalid only when deleted by a user or
#   revoked by the app" (https://docs.joinmastodon.org/api/oauth-tokens/),
#   the grant flows authorization_code and client_credentials, tokens kept
#   as they are (not hashed);
# - Mastodon's scopes, `read` by default, `profile` and the granular ones
#   among the optional (https://docs.joinmastodon.org/api/oauth-scopes/);
# - RFC 8414 metadata at /.well-known/oauth-authorization-server
#   (https://docs.joinmastodon.org/methods/oauth/#authorization-server-metadata),
#   no OpenID Connect;
# - stand-ins for GET /api/v1/accounts/verify_credentials (`profile`, `read`
#   or `read:accounts`, https://docs.joinmastodon.org/methods/accounts/#verify_credentials)
#   and GET /api/v1/preferences (`read` or `read:accounts`,
#   https://docs.joinmastodon.org/methods/preferences/), which refuse a token
#   with `{ "error": … }`, Doorkeeper's description for a token it does not
#   take (401) and "This action is outside the authorized scopes" (403).
# Doorkeeper 5.5 takes PKCE's `plain` too, where Mastodon takes only S256.
ENV['RAILS_ENV'] = 'production'
require 'digest'
require 'json'
require 'logger'
require 'rails'
require 'active_record/railtie'
require 'action_controller/railtie'
require 'action_view/railtie'
require 'doorkeeper'
require 'doorkeeper/openid_connect'

STATE_DIR = ENV.fetch('DOORKEEPER_STATE_DIR')
ORIGIN = ENV.fetch('DOORKEEPER_ORIGIN')
MASTODON = ENV['DOORKEEPER_SHAPE'] == 'mastodon'
ENV['DATABASE_URL'] = "sqlite3:#{File.join(STATE_DIR, 'doorkeeper.sqlite3')}?pool=20&timeout=10000"

# Counts the token and revocation requests and their answers.
class RequestCounts
  @counts = Hash.new(0)
  @lock = Mutex.new

  class << self
    def add(*keys)
      @lock.synchronize { keys.each { |key| @counts[key] += 1 } }
    end

    def to_h
      @lock.synchronize { @counts.dup }
    end
  end

  def initialize(app)
    @app = app
  end

  def call(env)
    request = Rack::Request.new(env)
    return [200, { 'content-type' => 'application/json' }, [JSON.generate(self.class.to_h)]] if request.get? && request.path == '/test/counts'

    status, headers, body = @app.call(env)
    if request.post? && request.path == '/oauth/token'
      grant = request.POST['grant_type'].to_s
      self.class.add("token:#{grant}", "token:#{grant}:#{status}")
    elsif request.post? && request.path == '/oauth/revoke'
      self.class.add('revoke', "revoke:#{status}")
    end
    [status, headers, body]
  end
end

class InteropServer < Rails::Application
  config.load_defaults 6.1
  config.root = STATE_DIR
  config.paths['app/views'] << File.join(__dir__, 'views')
  config.eager_load = false
  config.cache_classes = true
  config.secret_key_base = ENV.fetch('DOORKEEPER_SECRET_KEY_BASE')
  config.hosts.clear
  config.logger = Logger.new($stderr, level: Logger::WARN)
  config.log_level = :warn
  config.cache_store = :null_store
  config.consider_all_requests_local = true
  config.middleware.insert_before 0, RequestCounts
  # One request at a time: the sqlite3 gem waits out a locked database without
  # releasing Ruby's global lock, so two requests writing at once (the 30
  # calls of a refresh storm each revoking the spent refresh token) would
  # stall each other until the busy timeout. GitLab runs on PostgreSQL.
  config.middleware.insert_after RequestCounts, Rack::Lock
end

class User < ActiveRecord::Base
  def password_matches?(password)
    ActiveSupport::SecurityUtils.secure_compare(password_sha256, Digest::SHA256.hexdigest(password))
  end
end

Doorkeeper.configure do
  orm :active_record
  resource_owner_authenticator do
    User.find_by(id: session[:user_id]) || begin
      session[:return_to] = request.fullpath
      redirect_to '/users/sign_in'
      nil
    end
  end
  if MASTODON
    access_token_expires_in nil
    grant_flows %w[authorization_code client_credentials]
    default_scopes :read
    optional_scopes :write, :push, :profile, :'read:accounts', :'read:statuses', :'write:statuses'
  else
    access_token_expires_in 2.hours
    use_refresh_token
    hash_token_secrets
    grant_flows %w[authorization_code]
    default_scopes :read_user
    optional_scopes :api, :read_api, :openid, :profile, :email
  end
  enforce_configured_scopes
  force_ssl_in_redirect_uri false
  access_token_methods :from_bearer_authorization, :from_access_token_param, :from_bearer_param
end

Doorkeeper::OpenidConnect.configure do
  issuer ORIGIN
  signing_key File.read(File.join(STATE_DIR, 'signing-key.pem'))
  protocol { :http }
  resource_owner_from_access_token { |access_token| User.find_by(id: access_token.resource_owner_id) }
  auth_time_from_resource_owner { |user| user.signed_in_at }
  subject { |user, _application| user.id.to_s }
  claims do
    claim(:name, response: %i[id_token user_info]) { |user| user.name }
    claim(:nickname, response: %i[id_token user_info]) { |user| user.username }
    claim(:preferred_username, response: %i[id_token user_info]) { |user| user.username }
    claim(:email, scope: :email, response: %i[id_token user_info]) { |user| user.email }
    claim(:email_verified, scope: :email, response: %i[id_token user_info]) { |_user| true }
  end
end

# The sign-in form GitLab puts in front of its consent page.
class SessionsController < ActionController::Base
  def new
    render html: <<~HTML.html_safe
      <!doctype html><title>Sign in</title>
      <form action="/users/sign_in" method="post">
        <input type="hidden" name="authenticity_token" value="#{form_authenticity_token}">
        <input name="username"><input name="password" type="password"><button>Sign in</button>
      </form>
    HTML
  end

  def create
    user = User.find_by(username: params[:username].to_s)
    return head(:unauthorized) unless user&.password_matches?(params[:password].to_s)

    user.update!(signed_in_at: Time.now)
    session[:user_id] = user.id
    redirect_to(session.delete(:return_to) || '/')
  end
end

# A stand-in for the REST API's GET /api/v4/user, behind Doorkeeper's token check.
class ApiUserController < ActionController::API
  before_action { doorkeeper_authorize! :read_user, :api }

  def show
    user = User.find(doorkeeper_token.resource_owner_id)
    render json: { id: user.id, username: user.username, name: user.name, state: 'active', email: user.email, web_url: "#{ORIGIN}/#{user.username}" }
  end
end

# Mastodon's answers to a token its API does not take, or one without the scope.
class MastodonApiController < ActionController::API
  private

  def doorkeeper_unauthorized_render_options(error: nil)
    { json: { error: error&.description || 'The access token is invalid' } }
  end

  def doorkeeper_forbidden_render_options(**)
    { json: { error: 'This action is outside the authorized scopes' } }
  end
end

# A stand-in for GET /api/v1/accounts/verify_credentials: the account, its id a string.
class VerifyCredentialsController < MastodonApiController
  before_action { doorkeeper_authorize! :profile, :read, :'read:accounts' }

  def show
    user = User.find(doorkeeper_token.resource_owner_id)
    render json: { id: user.id.to_s, username: user.username, acct: user.username, display_name: user.name, url: "#{ORIGIN}/@#{user.username}", locked: false, bot: false }
  end
end

# A stand-in for GET /api/v1/preferences.
class PreferencesController < MastodonApiController
  before_action { doorkeeper_authorize! :read, :'read:accounts' }

  def show
    render json: { 'posting:default:visibility' => 'public', 'posting:default:sensitive' => false, 'reading:expand:spoilers' => false }
  end
end

# RFC 8414 metadata, as Mastodon 4.3 serves it.
class AuthorizationServerMetadataController < ActionController::API
  def show
    render json: {
      issuer: "#{ORIGIN}/",
      authorization_endpoint: "#{ORIGIN}/oauth/authorize",
      token_endpoint: "#{ORIGIN}/oauth/token",
      revocation_endpoint: "#{ORIGIN}/oauth/revoke",
      scopes_supported: Doorkeeper.config.scopes.to_a,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: Doorkeeper.config.grant_flows,
      token_endpoint_auth_methods_supported: %w[client_secret_basic client_secret_post],
    }
  end
end

Rails.application.initialize!

Rails.application.routes.draw do
  use_doorkeeper
  use_doorkeeper_openid_connect unless MASTODON
  get '/users/sign_in', to: 'sessions#new'
  post '/users/sign_in', to: 'sessions#create'
  if MASTODON
    get '/.well-known/oauth-authorization-server', to: 'authorization_server_metadata#show'
    get '/api/v1/accounts/verify_credentials', to: 'verify_credentials#show'
    get '/api/v1/preferences', to: 'preferences#show'
  else
    get '/api/v4/user', to: 'api_user#show'
  end
end
