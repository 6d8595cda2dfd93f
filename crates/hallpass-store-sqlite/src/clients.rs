use crate::rows::{all, damaged, exec, get, hash, json, one, opt_hash, to_json, ts};
use crate::users::count;
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::{ClientId, SecretId};
use hallpass_core::store::{Client, ClientKind, ClientSecret, ClientStore, Registration, StoreError};
use hallpass_core::values::RedirectUri;
use rusqlite::{params, Connection, Row};

const SELECT: &str = "SELECT id, name, kind, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
    backchannel_logout_uri, native, granted_scopes, access_token_ttl_secs, id_token_algorithm, created_at, updated_at,
    registration, registration_token_hash, client_uri
    FROM clients";

fn uris(row: &Row<'_>, column: &str) -> Result<Vec<RedirectUri>, StoreError> {
    let list: Vec<String> = json(row, column)?;
    Ok(list.into_iter().map(RedirectUri::from_trusted).collect())
}

fn client(row: &Row<'_>) -> Result<Client, StoreError> {
    let kind: String = get(row, "kind")?;
    let algorithm: String = get(row, "id_token_algorithm")?;
    let registration: String = get(row, "registration")?;
    let ttl: Option<i64> = get(row, "access_token_ttl_secs")?;
    Ok(Client {
        id: ClientId::from_trusted(get(row, "id")?),
        name: get(row, "name")?,
        kind: ClientKind::parse(&kind).ok_or_else(|| damaged("kind"))?,
        redirect_uris: uris(row, "redirect_uris")?,
        post_logout_redirect_uris: uris(row, "post_logout_redirect_uris")?,
        initiate_login_uri: get(row, "initiate_login_uri")?,
        backchannel_logout_uri: get(row, "backchannel_logout_uri")?,
        native: get(row, "native")?,
        granted_scopes: json(row, "granted_scopes")?,
        access_token_ttl_secs: ttl
            .map(|t| u32::try_from(t).map_err(|_| damaged("access_token_ttl_secs")))
            .transpose()?,
        id_token_algorithm: algorithm.parse().map_err(|_| damaged("id_token_algorithm"))?,
        registration: Registration::parse(&registration).ok_or_else(|| damaged("registration"))?,
        registration_token_hash: opt_hash(row, "registration_token_hash")?,
        client_uri: get(row, "client_uri")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

fn secret(row: &Row<'_>) -> Result<ClientSecret, StoreError> {
    Ok(ClientSecret {
        id: SecretId::from_trusted(get(row, "id")?),
        client_id: ClientId::from_trusted(get(row, "client_id")?),
        hash: hash(row, "secret_hash")?,
        created_at: ts(row, "created_at")?,
    })
}

fn uri_list(list: &[RedirectUri]) -> String {
    to_json(&list.iter().map(RedirectUri::as_str).collect::<Vec<_>>())
}

fn insert_secret(c: &Connection, s: &ClientSecret) -> Result<(), StoreError> {
    exec(
        c,
        "INSERT INTO client_secrets (id, client_id, secret_hash, created_at) VALUES (?, ?, ?, ?)",
        params![
            s.id.as_str(),
            s.client_id.as_str(),
            s.hash.as_bytes().as_slice(),
            s.created_at.0
        ],
    )
    .map(|_| ())
}

#[async_trait]
impl ClientStore for SqliteStore {
    async fn insert_client(&self, c: &Client, first_secret: Option<&ClientSecret>) -> Result<(), StoreError> {
        let (c, first_secret) = (c.clone(), first_secret.cloned());
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO clients (id, name, kind, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
                         backchannel_logout_uri, native, granted_scopes, access_token_ttl_secs, id_token_algorithm, created_at, updated_at,
                         registration, registration_token_hash, client_uri)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params![
                        c.id.as_str(),
                        c.name,
                        c.kind.as_str(),
                        uri_list(&c.redirect_uris),
                        uri_list(&c.post_logout_redirect_uris),
                        c.initiate_login_uri,
                        c.backchannel_logout_uri,
                        c.native,
                        to_json(&c.granted_scopes),
                        c.access_token_ttl_secs,
                        c.id_token_algorithm.as_str(),
                        c.created_at.0,
                        c.updated_at.0,
                        c.registration.as_str(),
                        c.registration_token_hash.as_ref().map(|h| h.as_bytes().to_vec()),
                        c.client_uri
                    ],
                )?;
                if let Some(s) = &first_secret {
                    insert_secret(tx, s)?;
                }
                Ok(())
            })
            .await
    }

    async fn get_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let id = id.to_string();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE id = ?"), [id], client))
            .await
    }

    async fn list_clients(&self, after: Option<&ClientId>, limit: u32) -> Result<Vec<Client>, StoreError> {
        let after = after.map_or(String::new(), |a| a.to_string());
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE id > ? ORDER BY id LIMIT ?"),
                    params![after, limit],
                    client,
                )
            })
            .await
    }

    async fn update_client(&self, c: &Client) -> Result<(), StoreError> {
        let c = c.clone();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE clients SET name = ?, kind = ?, redirect_uris = ?, post_logout_redirect_uris = ?, initiate_login_uri = ?,
                         backchannel_logout_uri = ?, native = ?, granted_scopes = ?, access_token_ttl_secs = ?, id_token_algorithm = ?,
                         updated_at = ?, registration_token_hash = ?, client_uri = ?
                     WHERE id = ?",
                    params![
                        c.name,
                        c.kind.as_str(),
                        uri_list(&c.redirect_uris),
                        uri_list(&c.post_logout_redirect_uris),
                        c.initiate_login_uri,
                        c.backchannel_logout_uri,
                        c.native,
                        to_json(&c.granted_scopes),
                        c.access_token_ttl_secs,
                        c.id_token_algorithm.as_str(),
                        c.updated_at.0,
                        c.registration_token_hash.as_ref().map(|h| h.as_bytes().to_vec()),
                        c.client_uri,
                        c.id.as_str()
                    ],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn delete_client(&self, id: &ClientId) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM clients WHERE id = ?", [id])? > 0))
            .await
    }

    async fn count_clients(&self) -> Result<u64, StoreError> {
        self.db
            .read(|c| count(c, "SELECT count(*) AS n FROM clients", []))
            .await
    }

    async fn add_client_secret(&self, s: &ClientSecret) -> Result<(), StoreError> {
        let s = s.clone();
        self.db
            .write(move |tx| {
                let id = s.client_id.as_str();
                if one(tx, "SELECT 1 AS x FROM clients WHERE id = ?", [id], |_| Ok(()))?.is_none() {
                    return Err(StoreError::NotFound);
                }
                if count(tx, "SELECT count(*) AS n FROM client_secrets WHERE client_id = ?", [id])? >= 2 {
                    return Err(StoreError::Limit(
                        "the client already has two active secrets; delete one first",
                    ));
                }
                insert_secret(tx, &s)
            })
            .await
    }

    async fn list_client_secrets(&self, client_id: &ClientId) -> Result<Vec<ClientSecret>, StoreError> {
        let id = client_id.to_string();
        self.db
            .read(move |c| {
                all(
                    c,
                    "SELECT id, client_id, secret_hash, created_at FROM client_secrets WHERE client_id = ? ORDER BY id",
                    [id],
                    secret,
                )
            })
            .await
    }

    async fn delete_client_secret(&self, client_id: &ClientId, secret_id: &SecretId) -> Result<bool, StoreError> {
        let (client_id, secret_id) = (client_id.to_string(), secret_id.to_string());
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "DELETE FROM client_secrets WHERE client_id = ? AND id = ?",
                    [client_id, secret_id],
                )? > 0)
            })
            .await
    }
}
