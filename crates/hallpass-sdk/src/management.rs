//! A typed client for the management API (`/api/v1`): users, organizations
//! and their members, invitations, SCIM directories, sessions. It authenticates as this app's
//! machine client (client_credentials; the client needs `hallpass:admin` or
//! the resources' own scopes) and keeps the token until shortly before it
//! expires.

use crate::{Client, Error};
use hallpass_proto::management::{
    Connection, ConnectionBody, CreateDirectory, CreateInvitation, CreateOrganization, CreateResource, CreateUser,
    Directory, Invitation, Membership, Organization, Page, PutMembership, Resource, Session, SignInSettings,
    UpdateOrganization, UpdateResource, UpdateSignInSettings, UpdateUser, User,
};
use hallpass_proto::ErrorBody;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Mutex;

/// Renew the token this long before it expires.
const MARGIN_SECS: i64 = 30;

pub struct Management {
    client: Client,
    base: String,
    token: Mutex<Option<(String, i64)>>,
}

impl std::fmt::Debug for Management {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Management")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Where a list starts and how long a page is.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: Option<u32>,
    pub after: Option<String>,
}

fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl PageRequest {
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(limit) = self.limit {
            parts.push(format!("limit={limit}"));
        }
        if let Some(after) = &self.after {
            parts.push(format!("after={}", enc(after)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

impl Client {
    /// The management API, as this client (which must be confidential).
    pub fn management(&self) -> Management {
        Management {
            base: format!("{}/api/v1", self.issuer()),
            client: self.clone(),
            token: Mutex::new(None),
        }
    }
}

impl Management {
    async fn token(&self) -> Result<String, Error> {
        let mut slot = self.token.lock().await;
        let now = self.client.now();
        if let Some((token, expires_at)) = slot.as_ref() {
            if now < expires_at - MARGIN_SECS {
                return Ok(token.clone());
            }
        }
        let fresh = self.client.client_credentials().await?;
        *slot = Some((fresh.access_token.clone(), fresh.expires_at));
        Ok(fresh.access_token)
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Error> {
        let response = self.send(method, path, body).await?;
        response
            .json()
            .await
            .map_err(|e| Error::Protocol(format!("{path}: {e}")))
    }

    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<reqwest::Response, Error> {
        let token = self.token().await?;
        let mut request = self
            .client
            .inner
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        Err(match response.json::<ErrorBody>().await {
            Ok(body) => Error::Api {
                status,
                error: body.error,
                description: body.error_description,
            },
            Err(_) => Error::Protocol(format!("{path} answered {status} without an error body")),
        })
    }

    async fn delete(&self, path: &str) -> Result<(), Error> {
        self.send::<()>(Method::DELETE, path, None).await.map(|_| ())
    }

    /// A POST without a body whose answer carries none either (204).
    async fn post_empty(&self, path: &str) -> Result<(), Error> {
        self.send::<()>(Method::POST, path, None).await.map(|_| ())
    }

    // Users.

    pub async fn list_users(&self, page: &PageRequest) -> Result<Page<User>, Error> {
        self.call::<(), _>(Method::GET, &format!("/users{}", page.query()), None)
            .await
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        let page: Page<User> = self
            .call::<(), _>(Method::GET, &format!("/users?email={}", enc(email)), None)
            .await?;
        Ok(page.data.into_iter().next())
    }

    pub async fn get_user(&self, id: &str) -> Result<User, Error> {
        self.call::<(), _>(Method::GET, &format!("/users/{}", enc(id)), None)
            .await
    }

    pub async fn create_user(&self, user: &CreateUser) -> Result<User, Error> {
        self.call(Method::POST, "/users", Some(user)).await
    }

    pub async fn update_user(&self, id: &str, changes: &UpdateUser) -> Result<User, Error> {
        self.call(Method::PATCH, &format!("/users/{}", enc(id)), Some(changes))
            .await
    }

    pub async fn delete_user(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/users/{}", enc(id))).await
    }

    // Organizations and members.

    pub async fn list_organizations(&self, page: &PageRequest) -> Result<Page<Organization>, Error> {
        self.call::<(), _>(Method::GET, &format!("/organizations{}", page.query()), None)
            .await
    }

    pub async fn create_organization(&self, org: &CreateOrganization) -> Result<Organization, Error> {
        self.call(Method::POST, "/organizations", Some(org)).await
    }

    pub async fn get_organization(&self, id: &str) -> Result<Organization, Error> {
        self.call::<(), _>(Method::GET, &format!("/organizations/{}", enc(id)), None)
            .await
    }

    pub async fn update_organization(&self, id: &str, changes: &UpdateOrganization) -> Result<Organization, Error> {
        self.call(Method::PATCH, &format!("/organizations/{}", enc(id)), Some(changes))
            .await
    }

    pub async fn list_members(&self, org: &str, page: &PageRequest) -> Result<Page<Membership>, Error> {
        let path = format!("/organizations/{}/members{}", enc(org), page.query());
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Adds the user, or replaces their roles; `None`: the default role.
    pub async fn put_member(&self, org: &str, user: &str, roles: Option<Vec<String>>) -> Result<Membership, Error> {
        let path = format!("/organizations/{}/members/{}", enc(org), enc(user));
        self.call(Method::PUT, &path, Some(&PutMembership { roles })).await
    }

    pub async fn remove_member(&self, org: &str, user: &str) -> Result<(), Error> {
        self.delete(&format!("/organizations/{}/members/{}", enc(org), enc(user)))
            .await
    }

    // Invitations.

    pub async fn invite(&self, org: &str, invitation: &CreateInvitation) -> Result<Invitation, Error> {
        self.call(
            Method::POST,
            &format!("/organizations/{}/invitations", enc(org)),
            Some(invitation),
        )
        .await
    }

    pub async fn list_invitations(&self, org: &str, page: &PageRequest) -> Result<Page<Invitation>, Error> {
        let path = format!("/organizations/{}/invitations{}", enc(org), page.query());
        self.call::<(), _>(Method::GET, &path, None).await
    }

    pub async fn revoke_invitation(&self, org: &str, id: &str) -> Result<Invitation, Error> {
        let path = format!("/organizations/{}/invitations/{}/revoke", enc(org), enc(id));
        self.call::<(), _>(Method::POST, &path, None).await
    }

    pub async fn resend_invitation(&self, org: &str, id: &str) -> Result<Invitation, Error> {
        let path = format!("/organizations/{}/invitations/{}/resend", enc(org), enc(id));
        self.call::<(), _>(Method::POST, &path, None).await
    }

    // SCIM directories.

    /// Creates a directory; the answer's `bearer_token` is shown this once.
    pub async fn create_directory(&self, org: &str, directory: &CreateDirectory) -> Result<Directory, Error> {
        self.call(
            Method::POST,
            &format!("/organizations/{}/directories", enc(org)),
            Some(directory),
        )
        .await
    }

    pub async fn list_directories(&self, org: &str, page: &PageRequest) -> Result<Page<Directory>, Error> {
        let path = format!("/organizations/{}/directories{}", enc(org), page.query());
        self.call::<(), _>(Method::GET, &path, None).await
    }

    pub async fn get_directory(&self, id: &str) -> Result<Directory, Error> {
        self.call::<(), _>(Method::GET, &format!("/directories/{}", enc(id)), None)
            .await
    }

    /// A new bearer token (in the answer); the old one stops working at once.
    pub async fn rotate_directory_token(&self, id: &str) -> Result<Directory, Error> {
        self.call::<(), _>(Method::POST, &format!("/directories/{}/token", enc(id)), None)
            .await
    }

    pub async fn delete_directory(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/directories/{}", enc(id))).await
    }

    // Sessions.

    pub async fn list_sessions(&self, user: &str) -> Result<Page<Session>, Error> {
        self.call::<(), _>(Method::GET, &format!("/users/{}/sessions", enc(user)), None)
            .await
    }

    /// Ends one session (`POST /sessions/{id}/revoke`).
    pub async fn revoke_session(&self, id: &str) -> Result<(), Error> {
        self.post_empty(&format!("/sessions/{}/revoke", enc(id))).await
    }

    /// Signs the user out everywhere (`POST /users/{id}/sessions/revoke`).
    pub async fn revoke_all_sessions(&self, user: &str) -> Result<(), Error> {
        self.post_empty(&format!("/users/{}/sessions/revoke", enc(user))).await
    }

    // Connections (enterprise SSO and social sign-in).

    /// An enterprise connection for `org`: its members sign in through their IdP.
    pub async fn create_organization_connection(&self, org: &str, body: &ConnectionBody) -> Result<Connection, Error> {
        self.call(
            Method::POST,
            &format!("/organizations/{}/connections", enc(org)),
            Some(body),
        )
        .await
    }

    pub async fn list_organization_connections(&self, org: &str) -> Result<Page<Connection>, Error> {
        let path = format!("/organizations/{}/connections", enc(org));
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// A social connection ("Continue with …" for everyone).
    pub async fn create_connection(&self, body: &ConnectionBody) -> Result<Connection, Error> {
        self.call(Method::POST, "/connections", Some(body)).await
    }

    /// The social connections.
    pub async fn list_connections(&self) -> Result<Page<Connection>, Error> {
        self.call::<(), _>(Method::GET, "/connections", None).await
    }

    pub async fn get_connection(&self, id: &str) -> Result<Connection, Error> {
        self.call::<(), _>(Method::GET, &format!("/connections/{}", enc(id)), None)
            .await
    }

    /// Changes what `changes` gives (a `client_secret` replaces the secret).
    pub async fn update_connection(&self, id: &str, changes: &ConnectionBody) -> Result<Connection, Error> {
        self.call(Method::PATCH, &format!("/connections/{}", enc(id)), Some(changes))
            .await
    }

    pub async fn delete_connection(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/connections/{}", enc(id))).await
    }

    // Resources (APIs and MCP servers; `hallpass:resources`).

    pub async fn list_resources(&self, page: &PageRequest) -> Result<Page<Resource>, Error> {
        self.call::<(), _>(Method::GET, &format!("/resources{}", page.query()), None)
            .await
    }

    pub async fn create_resource(&self, resource: &CreateResource) -> Result<Resource, Error> {
        self.call(Method::POST, "/resources", Some(resource)).await
    }

    pub async fn get_resource(&self, id: &str) -> Result<Resource, Error> {
        self.call::<(), _>(Method::GET, &format!("/resources/{}", enc(id)), None)
            .await
    }

    pub async fn update_resource(&self, id: &str, changes: &UpdateResource) -> Result<Resource, Error> {
        self.call(Method::PATCH, &format!("/resources/{}", enc(id)), Some(changes))
            .await
    }

    pub async fn delete_resource(&self, id: &str) -> Result<(), Error> {
        self.delete(&format!("/resources/{}", enc(id))).await
    }

    // Sign-in settings (branding, methods; `hallpass:settings`).

    /// The settings in force, which are stored, and the configuration's.
    pub async fn get_signin_settings(&self) -> Result<SignInSettings, Error> {
        self.call::<(), _>(Method::GET, "/settings/sign-in", None).await
    }

    /// Changes what `changes` gives (`Some(None)`: back to the configuration's);
    /// the next hosted page and mail, on every node, show it.
    pub async fn update_signin_settings(&self, changes: &UpdateSignInSettings) -> Result<SignInSettings, Error> {
        self.call(Method::PATCH, "/settings/sign-in", Some(changes)).await
    }
}
