mod support;

use support::*;

/// fixtures/sp_metadata.xml is what `generate.py` loads into the pysaml2 IdP: keep it the
/// crate's own output. `HALLPASS_SAML_WRITE_FIXTURES=1` rewrites it.
#[test]
fn sp_metadata_fixture_is_the_crates_output() {
    let xml = sp().metadata_xml();
    if std::env::var_os("HALLPASS_SAML_WRITE_FIXTURES").is_some() {
        let path = format!("{}/tests/fixtures/sp_metadata.xml", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, &xml).unwrap();
    }
    assert_eq!(xml, fixture("sp_metadata.xml"));
}
