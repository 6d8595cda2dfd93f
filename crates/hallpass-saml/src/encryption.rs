//! Decrypting an `EncryptedAssertion` with the SP's key (XML Encryption: an RSA-OAEP-wrapped
//! AES key, then AES-CBC or AES-GCM over the assertion). OpenSSL does the cryptography; this
//! module finds the pieces and checks every length first, since all of it is attacker input:
//! the SP's certificate is public, so anyone can wrap a key to it.

use base64::Engine as _;
use openssl::rsa::Padding;
use openssl::symm::{Cipher, Crypter, Mode};

use crate::keys::SpKeyPair;
use crate::xml::{child, NS_DSIG, NS_XENC};

pub(crate) const RSA_OAEP: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";

/// The content encryptions accepted, strongest first (SP metadata lists them in this order).
pub(crate) const CONTENT_ALGORITHMS: [&str; 6] = [
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
];

const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;
const BLOCK: usize = 16;

/// AES in the mode an algorithm URI names.
enum Content {
    Cbc(Cipher),
    Gcm(Cipher),
}

fn content(algorithm: &str) -> Option<Content> {
    Some(match algorithm {
        "http://www.w3.org/2009/xmlenc11#aes256-gcm" => Content::Gcm(Cipher::aes_256_gcm()),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm" => Content::Gcm(Cipher::aes_192_gcm()),
        "http://www.w3.org/2009/xmlenc11#aes128-gcm" => Content::Gcm(Cipher::aes_128_gcm()),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => Content::Cbc(Cipher::aes_256_cbc()),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => Content::Cbc(Cipher::aes_192_cbc()),
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => Content::Cbc(Cipher::aes_128_cbc()),
        _ => return None,
    })
}

/// Decrypts `encrypted` (a `saml:EncryptedAssertion`) and returns the assertion's XML text.
/// Refuses RSA PKCS#1 v1.5 key transport (padding-oracle prone) and unknown algorithms.
pub(crate) fn decrypt(encrypted: roxmltree::Node<'_, '_>, key: &SpKeyPair) -> Result<String, String> {
    let data = child(encrypted, NS_XENC, "EncryptedData").ok_or("no EncryptedData")?;
    let data_method = algorithm(data).ok_or("no EncryptionMethod on EncryptedData")?;
    let cipher = content(data_method).ok_or_else(|| format!("unsupported content encryption {data_method}"))?;
    // The wrapped key sits in the EncryptedData's KeyInfo, or beside the EncryptedData.
    let encrypted_key = child(data, NS_DSIG, "KeyInfo")
        .and_then(|info| child(info, NS_XENC, "EncryptedKey"))
        .or_else(|| child(encrypted, NS_XENC, "EncryptedKey"))
        .ok_or("no EncryptedKey")?;
    let key_method = algorithm(encrypted_key).ok_or("no EncryptionMethod on EncryptedKey")?;
    if key_method != RSA_OAEP {
        return Err(format!("unsupported key transport {key_method}"));
    }
    let wrapped = cipher_value(encrypted_key).ok_or("no base64 CipherValue in EncryptedKey")?;
    let content_key = unwrap_key(&wrapped, key)?;
    let ciphertext = cipher_value(data).ok_or("no base64 CipherValue in EncryptedData")?;
    let plain = match cipher {
        Content::Cbc(cipher) => decrypt_cbc(cipher, &content_key, &ciphertext)?,
        Content::Gcm(cipher) => decrypt_gcm(cipher, &content_key, &ciphertext)?,
    };
    String::from_utf8(plain).map_err(|_| "the plaintext is not UTF-8".to_owned())
}

fn unwrap_key(wrapped: &[u8], key: &SpKeyPair) -> Result<Vec<u8>, String> {
    let unwrapped = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let rsa = key.key.rsa()?;
        let mut out = vec![0u8; rsa.size() as usize];
        let len = rsa.private_decrypt(wrapped, &mut out, Padding::PKCS1_OAEP)?;
        out.truncate(len);
        Ok(out)
    };
    unwrapped().map_err(|_| "the key could not be unwrapped: it was not encrypted to this SP's key".to_owned())
}

fn check_key(cipher: Cipher, key: &[u8]) -> Result<(), String> {
    if key.len() == cipher.key_len() {
        Ok(())
    } else {
        Err(format!(
            "the unwrapped key is {} bytes, the cipher needs {}",
            key.len(),
            cipher.key_len()
        ))
    }
}

/// AES-CBC: a 16-byte IV, whole blocks, and XML Encryption's padding (the last byte counts the
/// padding bytes; the others are arbitrary, so not PKCS#7's check).
fn decrypt_cbc(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    check_key(cipher, key)?;
    if data.len() < 2 * BLOCK || !data.len().is_multiple_of(BLOCK) {
        return Err("the ciphertext is not an IV and whole AES blocks".to_owned());
    }
    let (iv, body) = data.split_at(BLOCK);
    let mut plain = run(cipher, key, iv, body, None)?;
    let pad = usize::from(plain.last().copied().unwrap_or(0));
    if pad == 0 || pad > BLOCK || pad > plain.len() {
        return Err("bad padding".to_owned());
    }
    plain.truncate(plain.len() - pad);
    Ok(plain)
}

/// AES-GCM: a 12-byte IV, the ciphertext, a 16-byte tag that must authenticate it.
fn decrypt_gcm(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    check_key(cipher, key)?;
    if data.len() < GCM_IV + GCM_TAG {
        return Err("the ciphertext is shorter than an IV and a tag".to_owned());
    }
    let (iv, rest) = data.split_at(GCM_IV);
    let (body, tag) = rest.split_at(rest.len() - GCM_TAG);
    run(cipher, key, iv, body, Some(tag))
}

fn run(cipher: Cipher, key: &[u8], iv: &[u8], body: &[u8], tag: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let go = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let mut crypter = Crypter::new(cipher, Mode::Decrypt, key, Some(iv))?;
        crypter.pad(false);
        let mut out = vec![0u8; body.len() + cipher.block_size()];
        let mut len = crypter.update(body, &mut out)?;
        if let Some(tag) = tag {
            crypter.set_tag(tag)?;
        }
        len += crypter.finalize(&mut out[len..])?;
        out.truncate(len);
        Ok(out)
    };
    go().map_err(|_| "the assertion could not be decrypted".to_owned())
}

fn algorithm<'a>(node: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(node, NS_XENC, "EncryptionMethod").and_then(|m| m.attribute("Algorithm"))
}

fn cipher_value(node: roxmltree::Node<'_, '_>) -> Option<Vec<u8>> {
    let value = child(node, NS_XENC, "CipherData").and_then(|d| child(d, NS_XENC, "CipherValue"))?;
    let text: String = crate::xml::simple_text(value)
        .ok()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}
