# frozen_string_literal: true

# Makes the state of one test run in DOORKEEPER_STATE_DIR: the tables of
# Doorkeeper's and doorkeeper-openid_connect's install migrations (PKCE and
# previous_refresh_token included), the users named on the command line with
# the password given, and one confidential application (with Mastodon's
# scopes when DOORKEEPER_SHAPE=mastodon); prints
# { "subjects": { username: sub } } as JSON.
#   ruby setup.rb --client-id=ID --client-secret=SECRET --redirect-uri=URI --password=P alice bob
require 'optparse'
options = {}
usernames = OptionParser.new do |parser|
  %w[client-id client-secret redirect-uri password].each { |name| parser.on("--#{name}=VALUE") { |value| options[name] = value } }
end.parse(ARGV)

require_relative 'server'

ActiveRecord::Migration.verbose = false
ActiveRecord::Schema.define do
  create_table :users do |t|
    t.string :username, null: false, index: { unique: true }
    t.string :name, null: false
    t.string :email, null: false
    t.string :password_sha256, null: false
    t.datetime :signed_in_at
  end
  create_table :oauth_applications do |t|
    t.string :name, null: false
    t.string :uid, null: false, index: { unique: true }
    t.string :secret, null: false
    t.text :redirect_uri, null: false
    t.string :scopes, null: false, default: ''
    t.boolean :confidential, null: false, default: true
    t.timestamps null: false
  end
  create_table :oauth_access_grants do |t|
    t.references :resource_owner, null: false
    t.references :application, null: false, foreign_key: { to_table: :oauth_applications }
    t.string :token, null: false, index: { unique: true }
    t.integer :expires_in, null: false
    t.text :redirect_uri, null: false
    t.datetime :created_at, null: false
    t.datetime :revoked_at
    t.string :scopes, null: false, default: ''
    t.string :code_challenge
    t.string :code_challenge_method
  end
  create_table :oauth_access_tokens do |t|
    t.references :resource_owner, index: true
    t.references :application, null: false, foreign_key: { to_table: :oauth_applications }
    t.string :token, null: false, index: { unique: true }
    t.string :refresh_token, index: { unique: true }
    t.integer :expires_in
    t.datetime :revoked_at
    t.datetime :created_at, null: false
    t.string :scopes
    t.string :previous_refresh_token, null: false, default: ''
  end
  create_table :oauth_openid_requests do |t|
    t.references :access_grant, null: false, index: true, foreign_key: { to_table: :oauth_access_grants, on_delete: :cascade }
    t.string :nonce, null: false
  end
end

subjects = usernames.to_h do |username|
  user = User.create!(username: username, name: "#{username.capitalize} Example", email: "#{username}@example.test", password_sha256: Digest::SHA256.hexdigest(options.fetch('password')))
  [username, user.id.to_s]
end
Doorkeeper::Application.create!(
  name: 'Tokenkeeper',
  uid: options.fetch('client-id'),
  secret: options.fetch('client-secret'),
  redirect_uri: options.fetch('redirect-uri'),
  scopes: MASTODON ? 'read:accounts profile read:statuses' : 'read_user openid profile email',
  confidential: true,
)
puts JSON.generate(subjects: subjects)
