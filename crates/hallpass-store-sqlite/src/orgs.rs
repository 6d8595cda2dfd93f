use crate::rows::{all, exec, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::OrgId;
use hallpass_core::store::{Organization, OrganizationStore, StoreError};
use hallpass_core::values::Slug;
use rusqlite::{params, Row};

const SELECT: &str = "SELECT id, name, slug, external_id, metadata, created_at, updated_at FROM organizations";

fn organization(row: &Row<'_>) -> Result<Organization, StoreError> {
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
impl OrganizationStore for SqliteStore {
    async fn insert_organization(&self, o: &Organization) -> Result<(), StoreError> {
        let o = o.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO organizations (id, name, slug, external_id, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    params![o.id.as_str(), o.name, o.slug.as_str(), o.external_id, to_json(&o.metadata), o.created_at.0, o.updated_at.0],
                )
                .map(|_| ())
            })
            .await
    }

    async fn get_organization(&self, id: &OrgId) -> Result<Option<Organization>, StoreError> {
        let id = id.clone();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE id = ?"), [id.as_str()], organization))
            .await
    }

    async fn find_organization_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError> {
        let slug = slug.clone();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE slug = ?"), [slug.as_str()], organization))
            .await
    }

    async fn list_organizations(&self, after: Option<&OrgId>, limit: u32) -> Result<Vec<Organization>, StoreError> {
        let after = after.map_or(String::new(), |a| a.to_string());
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE id > ? ORDER BY id LIMIT ?"),
                    params![after, limit],
                    organization,
                )
            })
            .await
    }

    async fn update_organization(&self, o: &Organization) -> Result<(), StoreError> {
        let o = o.clone();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE organizations SET name = ?, slug = ?, external_id = ?, metadata = ?, updated_at = ? WHERE id = ?",
                    params![o.name, o.slug.as_str(), o.external_id, to_json(&o.metadata), o.updated_at.0, o.id.as_str()],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }
}
