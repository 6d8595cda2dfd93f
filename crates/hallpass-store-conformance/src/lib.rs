//! The store conformance suite: the behaviour every Hallpass store must show,
//! written once and run against SQLite and PostgreSQL alike. Each backend's
//! `tests/conformance.rs` calls [`conformance_suite!`] with a function that
//! opens a fresh, migrated, isolated store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod cases;
pub mod fixtures;

/// Generates one `#[tokio::test]` per case. `$open` is an async fn returning
/// a `StoreUnderTest`, or `None` to skip (the backend says why, loudly).
#[macro_export]
macro_rules! conformance_suite {
    ($open:path) => {
        $crate::conformance_suite!(@cases $open;
            migrations_are_current_and_idempotent,
            users_are_unique_by_email_case_insensitively,
            users_page_in_creation_order,
            user_updates_replace_fields,
            organizations_have_unique_slugs,
            roles_and_memberships_yield_access,
            membership_with_unknown_role_is_refused,
            organization_members_page_and_deleted_users_leave_everything,
            clients_keep_at_most_two_secrets,
            resources_are_unique_by_identifier_and_page_in_order,
            codes_and_refresh_families_keep_their_resource,
            consents_are_kept_per_resource_and_withdrawing_one_revokes_the_clients_refresh_tokens,
            concurrent_secret_additions_keep_the_limit,
            deleting_a_client_removes_its_grants,
            sessions_are_found_by_token_and_touched,
            ending_a_users_sessions_ends_only_the_live_ones_but_one,
            concurrent_ends_of_a_users_sessions_end_each_once,
            concurrent_session_ending_has_one_winner,
            ending_a_session_while_its_token_rotates_leaves_nothing_live,
            ending_a_session_is_idempotent_and_revokes_refresh,
            codes_are_redeemed_once_and_replay_revokes,
            expired_and_unknown_codes,
            concurrent_code_redemption_has_one_winner,
            refresh_rotation_follows_the_rules,
            refresh_reuse_after_grace_ends_the_session,
            concurrent_rotation_has_one_winner,
            concurrent_rotation_in_grace_keeps_one_successor,
            a_stale_branch_ends_the_session_even_inside_the_grace_window,
            presenting_a_token_reads_it_without_changing_it,
            revoked_refresh_family_stops_rotation,
            another_clients_refresh_token_is_unknown_and_untouched,
            a_session_knows_its_clients,
            signing_keys_rotate_and_unpublish,
            one_active_key_per_algorithm,
            one_time_tokens_void_and_redeem_once,
            one_time_codes_count_attempts,
            a_one_time_token_id_is_issued_once,
            audit_events_filter_newest_first,
            invitations_settle_once_and_one_is_pending_per_address,
            idempotency_keys_replay_the_first_answer,
            organization_session_limits_are_set_replaced_and_removed,
            connections_claim_domains_once_and_link_identities,
            directories_are_found_by_token_and_keep_their_resources_apart,
            scim_resources_change_only_at_the_version_read,
            suspended_memberships_grant_nothing_until_restored,
            signin_settings_change_only_from_the_version_read,
            console_admins_are_added_once_listed_and_leave_with_their_user,
            users_are_found_by_the_start_of_their_address_in_order,
            console_counts_count_sign_ins_since_a_time,
        );
    };
    (@cases $open:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(under_test) = $open().await else { return };
                let store = under_test.store.clone();
                let outcome = tokio::spawn(async move { $crate::cases::$case(store).await }).await;
                under_test.cleanup().await;
                if let Err(err) = outcome {
                    std::panic::resume_unwind(err.into_panic());
                }
            }
        )*
    };
}

use hallpass_core::store::Store;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Cleanup = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// A fresh store for one test, and how to dispose of it afterwards.
pub struct StoreUnderTest {
    pub store: Arc<dyn Store>,
    cleanup: Option<Cleanup>,
}

impl StoreUnderTest {
    pub fn new(store: Arc<dyn Store>) -> Self {
        StoreUnderTest { store, cleanup: None }
    }

    pub fn with_cleanup<F, Fut>(store: Arc<dyn Store>, cleanup: F) -> Self
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        StoreUnderTest {
            store,
            cleanup: Some(Box::new(move || Box::pin(cleanup()))),
        }
    }

    pub async fn cleanup(self) {
        if let Some(cleanup) = self.cleanup {
            cleanup().await;
        }
    }
}
