//! Email codes, magic links and other one-time tokens.

use super::*;

fn one_time(purpose: OneTimePurpose, email: &str, hash: hallpass_core::crypto::SecretHash) -> OneTimeToken {
    OneTimeToken {
        id: OneTimeTokenId::generate(&clock(), &SystemRng),
        purpose,
        email: email.into(),
        hash,
        payload: json!({"return_to": "/oauth/authorize?x=1"}),
        attempts: 0,
        max_attempts: 3,
        created_at: T0,
        expires_at: T0.plus(MINUTE * 5),
        consumed_at: None,
    }
}

pub async fn one_time_tokens_void_and_redeem_once(store: S) {
    let (_, old) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::MagicLink, "a@example.com", old))
        .await
        .unwrap();
    let (_, new) = new_token();
    let issued = one_time(OneTimePurpose::MagicLink, "a@example.com", new);
    store.issue_one_time_token(&issued).await.unwrap();
    let now = T0.plus(SECOND);
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &old, now)
            .await
            .unwrap(),
        Redemption::Used,
        "resend voids the old link"
    );
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::PasswordReset, &new, now)
            .await
            .unwrap(),
        Redemption::Unknown,
        "purposes do not mix"
    );
    match store
        .redeem_one_time_token(OneTimePurpose::MagicLink, &new, now)
        .await
        .unwrap()
    {
        Redemption::Redeemed(t) => assert_eq!(t.payload, issued.payload),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &new, now)
            .await
            .unwrap(),
        Redemption::Used
    );
    let (_, late) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::MagicLink, "b@example.com", late))
        .await
        .unwrap();
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &late, T0.plus(MINUTE * 5))
            .await
            .unwrap(),
        Redemption::Expired
    );
}

pub async fn one_time_codes_count_attempts(store: S) {
    let (_, right) = new_token();
    let (_, wrong) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::SignInCode, "c@example.com", right))
        .await
        .unwrap();
    let now = T0.plus(SECOND);
    let code = OneTimePurpose::SignInCode;
    assert_eq!(
        store
            .attempt_one_time_code(code, "c@example.com", &wrong, now)
            .await
            .unwrap(),
        CodeAttempt::Wrong { attempts_left: 2 }
    );
    assert!(matches!(
        store
            .attempt_one_time_code(code, "c@example.com", &right, now)
            .await
            .unwrap(),
        CodeAttempt::Accepted(_)
    ));
    assert_eq!(
        store
            .attempt_one_time_code(code, "c@example.com", &right, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode,
        "single use"
    );

    let (_, again) = new_token();
    store
        .issue_one_time_token(&one_time(code, "d@example.com", again))
        .await
        .unwrap();
    for left in [2, 1, 0] {
        assert_eq!(
            store
                .attempt_one_time_code(code, "d@example.com", &wrong, now)
                .await
                .unwrap(),
            CodeAttempt::Wrong { attempts_left: left }
        );
    }
    assert_eq!(
        store
            .attempt_one_time_code(code, "d@example.com", &again, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode,
        "out of attempts"
    );
    assert_eq!(
        store
            .attempt_one_time_code(code, "nobody@example.com", &again, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode
    );
}

/// SAML's replay check: a token whose id was issued before, even spent, is a conflict and
/// changes nothing; ten callers issuing one id at once see one success.
pub async fn a_one_time_token_id_is_issued_once(store: S) {
    let first = hallpass_core::crypto::SecretHash::of("handle-1");
    let mut token = one_time(OneTimePurpose::SamlAssertion, "ott-replay", first);
    token.id = OneTimeTokenId::derived([7; 16]);
    store.issue_one_time_token(&token).await.unwrap();
    let now = T0.plus(MINUTE);
    let redeemed = store
        .redeem_one_time_token(OneTimePurpose::SamlAssertion, &first, now)
        .await
        .unwrap();
    assert!(matches!(redeemed, Redemption::Redeemed(_)));
    let mut again = token.clone();
    again.hash = hallpass_core::crypto::SecretHash::of("handle-2");
    let conflict = store.issue_one_time_token(&again).await;
    assert!(matches!(conflict, Err(StoreError::Conflict(_))), "{conflict:?}");
    let unknown = store
        .redeem_one_time_token(OneTimePurpose::SamlAssertion, &again.hash, now)
        .await
        .unwrap();
    assert_eq!(unknown, Redemption::Unknown, "the second issue stored nothing");

    let mut racing = token.clone();
    racing.id = OneTimeTokenId::derived([8; 16]);
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (store, mut t) = (store.clone(), racing.clone());
            t.hash = hallpass_core::crypto::SecretHash::of(&format!("race-{i}"));
            tokio::spawn(async move { store.issue_one_time_token(&t).await.is_ok() })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        wins += usize::from(task.await.unwrap());
    }
    assert_eq!(wins, 1);
}
