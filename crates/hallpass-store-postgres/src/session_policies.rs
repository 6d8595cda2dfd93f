use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::OrgId;
use hallpass_core::store::{SessionLimits, SessionPolicyStore, StoreError};

#[async_trait]
impl SessionPolicyStore for PostgresStore {
    async fn get_organization_session_limits(&self, org: &OrgId) -> Result<Option<SessionLimits>, StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT idle_secs, absolute_secs FROM organization_session_policies WHERE organization_id = $1",
        )
        .bind(org.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(row.map(|(idle, absolute)| SessionLimits {
            idle_secs: u32::try_from(idle).unwrap_or(u32::MAX),
            absolute_secs: u32::try_from(absolute).unwrap_or(u32::MAX),
        }))
    }

    async fn put_organization_session_limits(
        &self,
        org: &OrgId,
        limits: SessionLimits,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO organization_session_policies (organization_id, idle_secs, absolute_secs, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (organization_id) DO UPDATE SET idle_secs = excluded.idle_secs,
                 absolute_secs = excluded.absolute_secs, updated_at = excluded.updated_at",
        )
        .bind(org.as_str())
        .bind(i64::from(limits.idle_secs))
        .bind(i64::from(limits.absolute_secs))
        .bind(now.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn delete_organization_session_limits(&self, org: &OrgId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM organization_session_policies WHERE organization_id = $1")
            .bind(org.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }
}
