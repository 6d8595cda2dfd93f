//! Decrypting an `EncryptedAssertion` with the SP's key (XML Encryption: an RSA-OAEP-wrapped
//! AES key). The cryptography is samael's (OpenSSL); this module only finds the pieces.

use samael::crypto::{Crypto, CryptoProvider};
use samael::schema::CipherValue;

use crate::keys::SpKeyPair;
use crate::xml::{child, NS_DSIG, NS_XENC};

const RSA_OAEP: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";

/// Decrypts `encrypted` (a `saml:EncryptedAssertion`) and returns the assertion's XML text.
/// Refuses RSA PKCS#1 v1.5 key transport (padding-oracle prone) and unknown algorithms.
pub(crate) fn decrypt(encrypted: roxmltree::Node<'_, '_>, key: &SpKeyPair) -> Result<String, String> {
    let data = child(encrypted, NS_XENC, "EncryptedData").ok_or("no EncryptedData")?;
    let data_method = algorithm(data).ok_or("no EncryptionMethod on EncryptedData")?;
    if data_method != AES128_CBC && data_method != AES128_GCM {
        return Err(format!("unsupported content encryption {data_method}"));
    }
    // The wrapped key sits in the EncryptedData's KeyInfo, or beside the EncryptedData.
    let encrypted_key = child(data, NS_DSIG, "KeyInfo")
        .and_then(|info| child(info, NS_XENC, "EncryptedKey"))
        .or_else(|| child(encrypted, NS_XENC, "EncryptedKey"))
        .ok_or("no EncryptedKey")?;
    let key_method = algorithm(encrypted_key).ok_or("no EncryptionMethod on EncryptedKey")?;
    if key_method != RSA_OAEP {
        return Err(format!("unsupported key transport {key_method}"));
    }
    let wrapped = cipher_value(encrypted_key).ok_or("no CipherValue in EncryptedKey")?;
    let content_key = Crypto::decrypt_assertion_key_info(&wrapped, RSA_OAEP, &key.key)
        .map_err(|e| format!("the key could not be unwrapped: {e}"))?;
    let ciphertext = cipher_value(data).ok_or("no CipherValue in EncryptedData")?;
    let mut plain = Crypto::decrypt_assertion_value_info(&ciphertext, data_method, &content_key)
        .map_err(|e| format!("the assertion could not be decrypted: {e}"))?;
    if data_method == AES128_CBC {
        // XML Encryption padding: the last byte says how many bytes of padding there are.
        let pad = usize::from(*plain.last().ok_or("empty plaintext")?);
        if pad == 0 || pad > 16 || pad > plain.len() {
            return Err("bad padding".to_owned());
        }
        plain.truncate(plain.len() - pad);
    }
    String::from_utf8(plain).map_err(|_| "the plaintext is not UTF-8".to_owned())
}

fn algorithm<'a>(node: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(node, NS_XENC, "EncryptionMethod").and_then(|m| m.attribute("Algorithm"))
}

fn cipher_value(node: roxmltree::Node<'_, '_>) -> Option<CipherValue> {
    let value = child(node, NS_XENC, "CipherData").and_then(|d| child(d, NS_XENC, "CipherValue"))?;
    let text: String = crate::xml::simple_text(value)
        .ok()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some(CipherValue { value: text })
}
