//! The `hallpass` command line. Every command takes `--json` for
//! machine-readable output, and the configuration flags that apply to it.

use crate::config::LogFormat;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hallpass",
    version,
    about = "Self-hosted authentication: hosted sign-in pages, managed sessions, OpenID Connect."
)]
pub struct Cli {
    /// A TOML configuration file (layered over the defaults, under the environment and flags).
    #[arg(long, global = true, value_name = "FILE", env = "HALLPASS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Directory for local state (SQLite database, master key file).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Inspect the effective configuration.
    Config(ConfigArgs),
    /// Signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Applications (OAuth clients).
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Resources: the APIs and MCP servers access tokens are issued for (RFC 8707).
    #[command(subcommand)]
    Resources(ResourcesCommand),
    /// Users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Who may open the admin console at /admin.
    #[command(subcommand)]
    Admins(AdminsCommand),
    /// Organizations and their members.
    #[command(subcommand)]
    Orgs(OrgsCommand),
    /// Roles and their permissions.
    #[command(subcommand)]
    Roles(RolesCommand),
    /// Invitations to organizations.
    #[command(subcommand)]
    Invitations(InvitationsCommand),
    /// Connections to upstream identity providers (enterprise SSO, social sign-in).
    /// Boxed: its settings (OIDC and SAML) make it far larger than the other commands.
    #[command(subcommand)]
    Connections(Box<ConnectionsCommand>),
    /// SCIM directories: where an organization's identity provider provisions people.
    #[command(subcommand)]
    Directories(DirectoriesCommand),
    /// Sign-in settings (branding, methods): stored over the configuration's,
    /// applied at once to the hosted pages and mail on every node.
    #[command(subcommand)]
    Settings(SettingsCommand),
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// The settings in force, and which of them are stored rather than configured.
    Show,
    /// Change settings; only what is given changes. `""` turns the logo,
    /// colour or support address off, even where the configuration sets one.
    Set(SettingsArgs),
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// 1 to 64 characters.
    #[arg(long)]
    pub product_name: Option<String>,
    /// https (http only on a loopback host).
    #[arg(long)]
    pub logo_url: Option<String>,
    /// #rrggbb.
    #[arg(long)]
    pub primary_color: Option<String>,
    #[arg(long)]
    pub support_email: Option<String>,
    /// Turn a sign-in method on (repeat for several).
    #[arg(long = "enable", value_enum, value_name = "METHOD")]
    pub enable: Vec<SignInMethodArg>,
    /// Turn a sign-in method off (repeat for several); one must stay on.
    #[arg(long = "disable", value_enum, value_name = "METHOD")]
    pub disable: Vec<SignInMethodArg>,
    /// Forget a stored setting, so the configuration's applies again (repeat for several).
    #[arg(long = "reset", value_enum, value_name = "SETTING")]
    pub reset: Vec<SettingArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SignInMethodArg {
    Password,
    EmailCode,
    MagicLink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SettingArg {
    ProductName,
    LogoUrl,
    PrimaryColor,
    SupportEmail,
    Password,
    EmailCode,
    MagicLink,
}

/// A connection's settings; on `update`, only what is given changes.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    #[arg(long)]
    pub name: Option<String>,
    /// An email domain the connection claims (enterprise only; repeat; replaces the list on update).
    #[arg(long = "domain")]
    pub domains: Vec<String>,
    #[arg(long)]
    pub issuer: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the IdP client secret from standard input (one line), so it stays out of the process list.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// A scope to ask the IdP for (repeat; default: the type's).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    #[arg(long)]
    pub authorization_endpoint: Option<String>,
    #[arg(long)]
    pub token_endpoint: Option<String>,
    #[arg(long)]
    pub userinfo_endpoint: Option<String>,
    #[arg(long)]
    pub jwks_uri: Option<String>,
    /// SAML: a file holding the IdP's metadata XML (sets its entity id, SSO URL and certificates).
    #[arg(long, value_name = "FILE")]
    pub idp_metadata_file: Option<std::path::PathBuf>,
    /// SAML, without metadata: the IdP's entity id.
    #[arg(long)]
    pub idp_entity_id: Option<String>,
    /// SAML, without metadata: the IdP's SSO URL (HTTP-Redirect binding).
    #[arg(long)]
    pub idp_sso_url: Option<String>,
    /// SAML, without metadata: a file holding the IdP's signing certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub idp_certificate_file: Option<std::path::PathBuf>,
    /// SAML: a file holding a second IdP certificate accepted during a key rollover (PEM).
    #[arg(long, value_name = "FILE")]
    pub idp_secondary_certificate_file: Option<std::path::PathBuf>,
    /// SAML: accept IdP-initiated sign-ins, landing at this client's initiate_login_uri.
    #[arg(long)]
    pub idp_initiated_client_id: Option<String>,
    /// SAML: a file holding Hallpass's RSA private key for this connection (PEM; sealed, never
    /// printed), given with --sp-certificate-file. Two empty files remove the pair.
    #[arg(long, value_name = "FILE")]
    pub sp_private_key_file: Option<std::path::PathBuf>,
    /// SAML: a file holding the certificate of --sp-private-key-file (PEM), published in SP metadata.
    #[arg(long, value_name = "FILE")]
    pub sp_certificate_file: Option<std::path::PathBuf>,
    /// SAML: sign AuthnRequests with the SP key (needs the key pair).
    #[arg(long)]
    pub sign_authn_requests: Option<bool>,
    /// Members of the organization may sign in only through SSO.
    #[arg(long)]
    pub sso_required: Option<bool>,
    #[arg(long)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// Create a connection: for an organization (`--org`, enterprise SSO) or for everyone (social).
    Create {
        /// `oidc`, `saml` (with `--org`), `google`, `microsoft` or `github`.
        #[arg(long = "type")]
        kind: String,
        #[arg(long)]
        org: Option<String>,
        #[command(flatten)]
        settings: ConnectionArgs,
    },
    /// List an organization's connections (`--org`), or the social ones.
    List {
        #[arg(long)]
        org: Option<String>,
    },
    Show {
        id: String,
    },
    /// Change what is given.
    Update {
        id: String,
        #[command(flatten)]
        settings: ConnectionArgs,
    },
    Delete {
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Public base URL, the `iss` of every token.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Do not apply pending migrations at start (fail instead if any are pending).
    #[arg(long)]
    pub no_migrate: bool,
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective configuration, secrets masked.
    #[arg(long, required = true)]
    pub show: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List signing keys: active, and retired ones still published.
    List,
    /// Make a new active key; the old one stays published until its tokens expire.
    Rotate {
        /// ES256, RS256, EdDSA, or `all`.
        #[arg(long, default_value = "ES256")]
        algorithm: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Register an application. Prints its id and (for confidential clients) its secret, once.
    Create(CreateClientArgs),
    /// List applications.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Continue after this client id.
        #[arg(long)]
        after: Option<String>,
    },
    /// Show one application.
    Show { client_id: String },
    /// Delete an application with its secrets and tokens.
    Delete { client_id: String },
    /// Change an application's settings; what is not given stays as it is.
    Update(UpdateClientArgs),
    /// Make a new secret; the newest old one keeps working until deleted (at most two).
    RotateSecret { client_id: String },
    /// Delete one of a client's two secrets, once every app uses the other.
    DeleteSecret { client_id: String, secret_id: String },
}

#[derive(Debug, Subcommand)]
pub enum ResourcesCommand {
    /// Register an API or MCP server by the identifier clients send as `resource`.
    Create {
        /// e.g. https://mcp.example.com/mcp (http only on a loopback host).
        #[arg(long)]
        identifier: String,
        #[arg(long)]
        name: String,
        /// A scope the resource understands (repeat for several).
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// Access-token lifetime for this resource, in seconds (60 to 86400).
        #[arg(long)]
        access_token_ttl: Option<u32>,
    },
    /// List resources.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Continue after this resource id.
        #[arg(long)]
        after: Option<String>,
    },
    /// Show one resource.
    Show { id: String },
    /// Change a resource; what is not given stays as it is.
    Update {
        id: String,
        #[arg(long)]
        identifier: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Replaces the scopes (repeat for several).
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Option<Vec<String>>,
        #[arg(long)]
        access_token_ttl: Option<u32>,
    },
    /// Delete a resource; grants bound to it stop working.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct CreateClientArgs {
    #[arg(long)]
    pub name: String,
    /// Exact callback URL (repeat for several).
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
    /// Where `/oidc/logout` may send users back (repeat for several).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    pub post_logout_redirect_uris: Vec<String>,
    /// Where flows restart from the app (invitations, expired login pages).
    #[arg(long, value_name = "URI")]
    pub initiate_login_uri: Option<String>,
    /// OpenID Back-Channel Logout endpoint of the app.
    #[arg(long, value_name = "URI")]
    pub backchannel_logout_uri: Option<String>,
    /// A browser or native app without a secret (PKCE required).
    #[arg(long)]
    pub public: bool,
    /// A native app: loopback redirect URIs match on any port (RFC 8252).
    #[arg(long)]
    pub native: bool,
    /// A machine client for the management API (scope `hallpass:admin`).
    #[arg(long)]
    pub admin: bool,
    /// A scope the client itself holds for client_credentials (repeat for several).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// ID token signing algorithm: ES256, RS256 or EdDSA.
    #[arg(long, default_value = "ES256")]
    pub id_token_alg: String,
    /// Access-token lifetime for this client, in seconds.
    #[arg(long, value_name = "SECS")]
    pub access_token_ttl: Option<u32>,
}

#[derive(Debug, Args)]
pub struct UpdateClientArgs {
    pub client_id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// Replaces the registered callback URLs (repeat for several).
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
    /// Replaces the registered post-logout URLs (repeat for several).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    pub post_logout_redirect_uris: Vec<String>,
    /// Removes every post-logout URL.
    #[arg(long, conflicts_with = "post_logout_redirect_uris")]
    pub clear_post_logout_redirect_uris: bool,
    /// Sets the initiate-login URL (an empty value removes it).
    #[arg(long, value_name = "URI")]
    pub initiate_login_uri: Option<String>,
    /// Sets the back-channel logout URL (an empty value removes it).
    #[arg(long, value_name = "URI")]
    pub backchannel_logout_uri: Option<String>,
    /// Access-token lifetime in seconds (0 returns to the server default).
    #[arg(long, value_name = "SECS")]
    pub access_token_ttl: Option<u32>,
    #[arg(long)]
    pub id_token_alg: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminsCommand {
    /// Let a user open the admin console.
    Add {
        email: String,
        /// Create the user if there is none, and print a one-time sign-in link.
        #[arg(long)]
        create: bool,
    },
    /// List the console's admins.
    List,
    /// Take a user's console access away.
    Remove { email: String },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// Read a password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        /// Mark the email as already verified.
        #[arg(long)]
        email_verified: bool,
    },
    /// List users, or find one by email.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        after: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Show a user and their organizations.
    Show { id: String },
    /// Change what is given.
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email_verified: Option<bool>,
        #[arg(long)]
        external_id: Option<String>,
    },
    /// Delete a user; their sessions end (apps see it at their next refresh).
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
pub enum OrgsCommand {
    /// Create an organization (the slug is derived from the name unless given).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: Option<String>,
        #[arg(long)]
        external_id: Option<String>,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        after: Option<String>,
    },
    Show {
        id: String,
    },
    /// Change what is given.
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        slug: Option<String>,
    },
    /// List an organization's members.
    Members {
        id: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        after: Option<String>,
    },
    /// Add a member, or replace their roles (repeat --role; none: admin for
    /// the first member, member for the others).
    AddMember {
        id: String,
        user_id: String,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
    },
    RemoveMember {
        id: String,
        user_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RolesCommand {
    /// Create a role: for the environment, or with --org a custom role of one organization.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// `resource:action` (repeat for several).
        #[arg(long = "permission", value_name = "PERMISSION")]
        permissions: Vec<String>,
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: Option<String>,
    },
    /// The environment's roles, plus an organization's own with --org.
    List {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum InvitationsCommand {
    /// Invite an address (the link is mailed; without SMTP it is printed).
    Create {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
        #[arg(long)]
        email: String,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        /// The app to send the invitee to (its initiate-login URI).
        #[arg(long = "client", value_name = "CLIENT_ID")]
        client_id: Option<String>,
    },
    List {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
    },
    Revoke {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
        id: String,
    },
    /// A new link, and 15 more days.
    Resend {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DirectoriesCommand {
    /// Create a directory; prints its SCIM base URL and bearer token (shown once).
    Create {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
        #[arg(long)]
        name: String,
        /// A group whose members get a role: `GROUP=ROLE` (repeatable).
        #[arg(long = "group-role", value_name = "GROUP=ROLE")]
        group_roles: Vec<String>,
    },
    List {
        #[arg(long = "org", value_name = "ORG_ID")]
        organization: String,
    },
    Get {
        id: String,
    },
    /// Replace the bearer token (the old one stops working at once); prints the new one.
    RotateToken {
        id: String,
    },
    /// Delete the directory and what it wrote (the users and memberships it made stay).
    Delete {
        id: String,
    },
}
