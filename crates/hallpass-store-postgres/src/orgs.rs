use crate::rows::{get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::OrgId;
use hallpass_core::store::{Organization, OrganizationStore, StoreError};
use hallpass_core::values::Slug;
use sqlx::postgres::PgRow;

const COLUMNS: &str = "id, name, slug, external_id, metadata, created_at, updated_at";

fn organization(row: &PgRow) -> Result<Organization, StoreError> {
    Ok(Organization {
        id: OrgId::from_trusted(get(row, "id")?),
        name: get(row, "name")?,
        slug: Slug::from_trusted(get(row, "slug")?),
        external_id: get(row, "external_id")?,
        metadata: json(row, "metadata")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

#[async_trait]
impl OrganizationStore for PostgresStore {
    async fn insert_organization(&self, o: &Organization) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO organizations (id, name, slug, external_id, metadata, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(o.id.as_str())
        .bind(&o.name)
        .bind(o.slug.as_str())
        .bind(&o.external_id)
        .bind(to_json(&o.metadata))
        .bind(o.created_at.0)
        .bind(o.updated_at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_organization(&self, id: &OrgId) -> Result<Option<Organization>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(organization).transpose()
    }

    async fn find_organization_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE slug = $1");
        let row = sqlx::query(&sql)
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(organization).transpose()
    }

    async fn list_organizations(&self, after: Option<&OrgId>, limit: u32) -> Result<Vec<Organization>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(organization).collect()
    }

    async fn update_organization(&self, o: &Organization) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE organizations SET name = $1, slug = $2, external_id = $3, metadata = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(&o.name)
        .bind(o.slug.as_str())
        .bind(&o.external_id)
        .bind(to_json(&o.metadata))
        .bind(o.updated_at.0)
        .bind(o.id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
