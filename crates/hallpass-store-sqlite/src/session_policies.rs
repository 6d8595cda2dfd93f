use crate::rows::{exec, get, one};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::OrgId;
use hallpass_core::store::{SessionLimits, SessionPolicyStore, StoreError};
use rusqlite::params;

#[async_trait]
impl SessionPolicyStore for SqliteStore {
    async fn get_organization_session_limits(&self, org: &OrgId) -> Result<Option<SessionLimits>, StoreError> {
        let org = org.to_string();
        self.db
            .read(move |c| {
                one(
                    c,
                    "SELECT idle_secs, absolute_secs FROM organization_session_policies WHERE organization_id = ?",
                    [org],
                    |r| {
                        Ok(SessionLimits {
                            idle_secs: get(r, "idle_secs")?,
                            absolute_secs: get(r, "absolute_secs")?,
                        })
                    },
                )
            })
            .await
    }

    async fn put_organization_session_limits(
        &self,
        org: &OrgId,
        limits: SessionLimits,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let org = org.to_string();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO organization_session_policies (organization_id, idle_secs, absolute_secs, updated_at)
                     VALUES (?, ?, ?, ?)
                     ON CONFLICT (organization_id) DO UPDATE SET idle_secs = excluded.idle_secs,
                         absolute_secs = excluded.absolute_secs, updated_at = excluded.updated_at",
                    params![org, limits.idle_secs, limits.absolute_secs, now.0],
                )?;
                Ok(())
            })
            .await
    }

    async fn delete_organization_session_limits(&self, org: &OrgId) -> Result<bool, StoreError> {
        let org = org.to_string();
        self.db
            .write(move |tx| {
                Ok(exec(
                    tx,
                    "DELETE FROM organization_session_policies WHERE organization_id = ?",
                    [org],
                )? > 0)
            })
            .await
    }
}
