//! Records for tests, valid by construction.

use hallpass_core::clock::{ManualClock, Timestamp};
use hallpass_core::crypto::{Algorithm, SecretHash};
use hallpass_core::ids::*;
use hallpass_core::rng::{random_token, SystemRng};
use hallpass_core::store::*;
use hallpass_core::values::{Email, RedirectUri, Slug};
use serde_json::json;
use std::sync::Arc;

pub const T0: Timestamp = Timestamp(1_800_000_000);

pub fn clock() -> ManualClock {
    ManualClock::new(T0)
}

pub fn ids() -> (ManualClock, SystemRng) {
    (clock(), SystemRng)
}

pub fn user(email: &str) -> User {
    let (c, r) = ids();
    User {
        id: UserId::generate(&c, &r),
        email: Email::parse(email).unwrap(),
        email_verified: false,
        name: Some("Ada".into()),
        password_hash: None,
        external_id: None,
        metadata: json!({"plan": "free"}),
        created_at: T0,
        updated_at: T0,
    }
}

pub fn organization(slug: &str) -> Organization {
    let (c, r) = ids();
    Organization {
        id: OrgId::generate(&c, &r),
        name: format!("Org {slug}"),
        slug: Slug::parse(slug).unwrap(),
        external_id: None,
        metadata: json!({}),
        created_at: T0,
        updated_at: T0,
    }
}

pub fn role(org: Option<&OrgId>, name: &str, permissions: &[&str]) -> Role {
    let (c, r) = ids();
    Role {
        id: RoleId::generate(&c, &r),
        organization_id: org.cloned(),
        name: name.into(),
        description: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        created_at: T0,
    }
}

pub fn client() -> Client {
    let (c, r) = ids();
    Client {
        id: ClientId::generate(&c, &r),
        name: "Demo".into(),
        kind: ClientKind::Confidential,
        redirect_uris: vec![RedirectUri::from_trusted("http://localhost:3000/callback".into())],
        post_logout_redirect_uris: vec![],
        initiate_login_uri: None,
        backchannel_logout_uri: None,
        native: false,
        granted_scopes: vec![],
        access_token_ttl_secs: Some(300),
        id_token_algorithm: Algorithm::Es256,
        registration: Registration::Admin,
        registration_token_hash: None,
        client_uri: None,
        created_at: T0,
        updated_at: T0,
    }
}

pub fn secret(client: &ClientId) -> (String, ClientSecret) {
    let (c, r) = ids();
    let plaintext = random_token(&r);
    let secret = ClientSecret {
        id: SecretId::generate(&c, &r),
        client_id: client.clone(),
        hash: SecretHash::of(&plaintext),
        created_at: T0,
    };
    (plaintext, secret)
}

pub fn session(user: &UserId) -> (String, Session) {
    let (c, r) = ids();
    let token = random_token(&r);
    let session = Session {
        id: SessionId::generate(&c, &r),
        token_hash: SecretHash::of(&token),
        user_id: user.clone(),
        organization_id: None,
        amr: vec!["pwd".into()],
        auth_time: T0,
        created_at: T0,
        last_active_at: T0,
        idle_expires_at: T0.plus(std::time::Duration::from_secs(7 * 86_400)),
        absolute_expires_at: T0.plus(std::time::Duration::from_secs(30 * 86_400)),
        ended_at: None,
        end_reason: None,
        user_agent: Some("test".into()),
        ip: Some("127.0.0.1".into()),
    };
    (token, session)
}

pub fn code(client: &ClientId, user: &UserId, session: &SessionId) -> (String, AuthorizationCode) {
    let token = random_token(&SystemRng);
    let code = AuthorizationCode {
        hash: SecretHash::of(&token),
        client_id: client.clone(),
        user_id: user.clone(),
        session_id: session.clone(),
        redirect_uri: "http://localhost:3000/callback".into(),
        scope: "openid offline_access".into(),
        nonce: Some("n-0S6_WzA2Mj".into()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        organization_id: None,
        resource: None,
        auth_time: T0,
        created_at: T0,
        expires_at: T0.plus(std::time::Duration::from_secs(60)),
    };
    (token, code)
}

pub fn family(client: &ClientId, user: &UserId, session: &SessionId, code: Option<SecretHash>) -> RefreshFamily {
    let (c, r) = ids();
    RefreshFamily {
        id: FamilyId::generate(&c, &r),
        session_id: session.clone(),
        client_id: client.clone(),
        user_id: user.clone(),
        scope: "openid offline_access".into(),
        organization_id: None,
        resource: None,
        authorization_code_hash: code,
        created_at: T0,
        revoked_at: None,
    }
}

/// A user, a client and a live session, stored: the ground every grant stands on.
pub struct Grounds {
    pub user: User,
    pub client: Client,
    pub session: Session,
}

pub async fn grounds(store: &Arc<dyn Store>) -> Grounds {
    let user = user(&format!(
        "{}@example.com",
        random_token(&SystemRng)[..10].to_lowercase().replace(['-', '_'], "x")
    ));
    store.insert_user(&user).await.unwrap();
    let client = client();
    store.insert_client(&client, None).await.unwrap();
    let (_, session) = session(&user.id);
    store.insert_session(&session).await.unwrap();
    Grounds { user, client, session }
}

pub fn new_token() -> (String, SecretHash) {
    let token = random_token(&SystemRng);
    let hash = SecretHash::of(&token);
    (token, hash)
}
