use crate::rows::{all, damaged, exec, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::{ConnectionId, OrgId, UserId};
use hallpass_core::store::{Connection, ConnectionKind, ConnectionStore, StoreError, UserIdentity};
use rusqlite::{params, Row};

const SELECT: &str = "SELECT c.id, c.kind, c.organization_id, c.name, c.enabled, c.sso_required, c.config,
    c.sealed_secrets, c.created_at, c.updated_at,
    (SELECT json_group_array(domain) FROM (SELECT domain FROM connection_domains d WHERE d.connection_id = c.id ORDER BY domain)) AS domains
    FROM connections c";

fn connection(row: &Row<'_>) -> Result<Connection, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(Connection {
        id: ConnectionId::from_trusted(get(row, "id")?),
        kind: ConnectionKind::parse(&kind).ok_or_else(|| damaged("kind"))?,
        organization_id: get::<Option<String>>(row, "organization_id")?.map(OrgId::from_trusted),
        name: get(row, "name")?,
        domains: json(row, "domains")?,
        enabled: get(row, "enabled")?,
        sso_required: get(row, "sso_required")?,
        config: json(row, "config")?,
        sealed_secrets: get(row, "sealed_secrets")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

fn identity(row: &Row<'_>) -> Result<UserIdentity, StoreError> {
    Ok(UserIdentity {
        connection_id: ConnectionId::from_trusted(get(row, "connection_id")?),
        subject: get(row, "subject")?,
        user_id: UserId::from_trusted(get(row, "user_id")?),
        created_at: ts(row, "created_at")?,
    })
}

fn put_domains(tx: &rusqlite::Connection, c: &Connection) -> Result<(), StoreError> {
    exec(
        tx,
        "DELETE FROM connection_domains WHERE connection_id = ?",
        [c.id.as_str()],
    )?;
    for domain in &c.domains {
        exec(
            tx,
            "INSERT INTO connection_domains (domain, connection_id) VALUES (?, ?)",
            params![domain, c.id.as_str()],
        )?;
    }
    Ok(())
}

#[async_trait]
impl ConnectionStore for SqliteStore {
    async fn insert_connection(&self, c: &Connection) -> Result<(), StoreError> {
        let c = c.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO connections (id, kind, organization_id, name, enabled, sso_required, config, sealed_secrets, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params![
                        c.id.as_str(),
                        c.kind.as_str(),
                        c.organization_id.as_ref().map(|o| o.as_str()),
                        c.name,
                        c.enabled,
                        c.sso_required,
                        to_json(&c.config),
                        c.sealed_secrets,
                        c.created_at.0,
                        c.updated_at.0
                    ],
                )?;
                put_domains(tx, &c)
            })
            .await
    }

    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let id = id.clone();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE c.id = ?"), [id.as_str()], connection))
            .await
    }

    async fn list_connections(&self, organization: Option<&OrgId>) -> Result<Vec<Connection>, StoreError> {
        let organization = organization.cloned();
        self.db
            .read(move |c| match organization {
                Some(org) => all(
                    c,
                    &format!("{SELECT} WHERE c.organization_id = ? ORDER BY c.id"),
                    [org.as_str()],
                    connection,
                ),
                None => all(
                    c,
                    &format!("{SELECT} WHERE c.organization_id IS NULL ORDER BY c.id"),
                    [],
                    connection,
                ),
            })
            .await
    }

    async fn list_all_connections(&self) -> Result<Vec<Connection>, StoreError> {
        self.db
            .read(move |c| all(c, &format!("{SELECT} ORDER BY c.id"), [], connection))
            .await
    }

    async fn find_connection_by_domain(&self, domain: &str) -> Result<Option<Connection>, StoreError> {
        let domain = domain.to_owned();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("{SELECT} JOIN connection_domains cd ON cd.connection_id = c.id WHERE cd.domain = ?"),
                    [domain],
                    connection,
                )
            })
            .await
    }

    async fn update_connection(&self, c: &Connection) -> Result<(), StoreError> {
        let c = c.clone();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE connections SET name = ?, enabled = ?, sso_required = ?, config = ?, sealed_secrets = ?, updated_at = ? WHERE id = ?",
                    params![
                        c.name,
                        c.enabled,
                        c.sso_required,
                        to_json(&c.config),
                        c.sealed_secrets,
                        c.updated_at.0,
                        c.id.as_str()
                    ],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                put_domains(tx, &c)
            })
            .await
    }

    async fn delete_connection(&self, id: &ConnectionId) -> Result<bool, StoreError> {
        let id = id.clone();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM connections WHERE id = ?", [id.as_str()])? > 0))
            .await
    }

    async fn link_identity(&self, i: &UserIdentity) -> Result<(), StoreError> {
        let i = i.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO user_identities (connection_id, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
                    params![i.connection_id.as_str(), i.subject, i.user_id.as_str(), i.created_at.0],
                )
                .map(|_| ())
            })
            .await
    }

    async fn find_identity(
        &self,
        connection: &ConnectionId,
        subject: &str,
    ) -> Result<Option<UserIdentity>, StoreError> {
        let (connection, subject) = (connection.clone(), subject.to_owned());
        self.db
            .read(move |c| {
                one(
                    c,
                    "SELECT connection_id, subject, user_id, created_at FROM user_identities WHERE connection_id = ? AND subject = ?",
                    params![connection.as_str(), subject],
                    identity,
                )
            })
            .await
    }
}
