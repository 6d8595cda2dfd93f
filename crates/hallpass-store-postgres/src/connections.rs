use crate::rows::{damaged, get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::{ConnectionId, OrgId, UserId};
use hallpass_core::store::{Connection, ConnectionKind, ConnectionStore, StoreError, UserIdentity};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Transaction};

const SELECT: &str = "SELECT c.id, c.kind, c.organization_id, c.name, c.enabled, c.sso_required, c.config,
    c.sealed_secrets, c.created_at, c.updated_at,
    (SELECT COALESCE(json_agg(d.domain ORDER BY d.domain), '[]'::json)::text FROM connection_domains d WHERE d.connection_id = c.id) AS domains
    FROM connections c";

fn connection(row: &PgRow) -> Result<Connection, StoreError> {
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

async fn put_domains(tx: &mut Transaction<'static, Postgres>, c: &Connection) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM connection_domains WHERE connection_id = $1")
        .bind(c.id.as_str())
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    for domain in &c.domains {
        sqlx::query("INSERT INTO connection_domains (domain, connection_id) VALUES ($1, $2)")
            .bind(domain)
            .bind(c.id.as_str())
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

impl PostgresStore {
    async fn connections_where(&self, condition: &str, bind: Option<&str>) -> Result<Vec<Connection>, StoreError> {
        let sql = format!("{SELECT} {condition} ORDER BY c.id");
        let mut query = sqlx::query(&sql);
        if let Some(value) = bind {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(connection).collect()
    }
}

#[async_trait]
impl ConnectionStore for PostgresStore {
    async fn insert_connection(&self, c: &Connection) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO connections (id, kind, organization_id, name, enabled, sso_required, config, sealed_secrets, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.id.as_str())
        .bind(c.kind.as_str())
        .bind(c.organization_id.as_ref().map(|o| o.as_str()))
        .bind(&c.name)
        .bind(c.enabled)
        .bind(c.sso_required)
        .bind(to_json(&c.config))
        .bind(&c.sealed_secrets)
        .bind(c.created_at.0)
        .bind(c.updated_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        put_domains(&mut tx, c).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        Ok(self
            .connections_where("WHERE c.id = $1", Some(id.as_str()))
            .await?
            .into_iter()
            .next())
    }

    async fn list_connections(&self, organization: Option<&OrgId>) -> Result<Vec<Connection>, StoreError> {
        match organization {
            Some(org) => {
                self.connections_where("WHERE c.organization_id = $1", Some(org.as_str()))
                    .await
            }
            None => self.connections_where("WHERE c.organization_id IS NULL", None).await,
        }
    }

    async fn list_all_connections(&self) -> Result<Vec<Connection>, StoreError> {
        self.connections_where("", None).await
    }

    async fn find_connection_by_domain(&self, domain: &str) -> Result<Option<Connection>, StoreError> {
        let condition = "WHERE c.id = (SELECT connection_id FROM connection_domains WHERE domain = $1)";
        Ok(self
            .connections_where(condition, Some(domain))
            .await?
            .into_iter()
            .next())
    }

    async fn update_connection(&self, c: &Connection) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE connections SET name = $1, enabled = $2, sso_required = $3, config = $4, sealed_secrets = $5, updated_at = $6
             WHERE id = $7",
        )
        .bind(&c.name)
        .bind(c.enabled)
        .bind(c.sso_required)
        .bind(to_json(&c.config))
        .bind(&c.sealed_secrets)
        .bind(c.updated_at.0)
        .bind(c.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        put_domains(&mut tx, c).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn delete_connection(&self, id: &ConnectionId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM connections WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn link_identity(&self, i: &UserIdentity) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_identities (connection_id, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(i.connection_id.as_str())
        .bind(&i.subject)
        .bind(i.user_id.as_str())
        .bind(i.created_at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn find_identity(
        &self,
        connection: &ConnectionId,
        subject: &str,
    ) -> Result<Option<UserIdentity>, StoreError> {
        let row = sqlx::query(
            "SELECT connection_id, subject, user_id, created_at FROM user_identities WHERE connection_id = $1 AND subject = $2",
        )
        .bind(connection.as_str())
        .bind(subject)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.map(|row| {
            Ok(UserIdentity {
                connection_id: ConnectionId::from_trusted(get(&row, "connection_id")?),
                subject: get(&row, "subject")?,
                user_id: UserId::from_trusted(get(&row, "user_id")?),
                created_at: ts(&row, "created_at")?,
            })
        })
        .transpose()
    }
}
