//! X.509 certificates (the IdP's signing certificates, the SP's own) and the SP's private key.

use base64::Engine as _;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

const STANDARD: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a certificate or key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the certificate is not a PEM or base64 DER X.509 certificate")]
    Certificate,
    #[error("the private key is not a PEM RSA private key")]
    PrivateKey,
    #[error("the private key is shorter than 2048 bits")]
    WeakKey,
    #[error("the private key does not belong to the certificate")]
    KeyMismatch,
}

/// An X.509 certificate, kept as DER. Parsed once, so holding one means it is a certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate").field("der_len", &self.der.len()).finish()
    }
}

impl Certificate {
    /// A certificate from PEM (`-----BEGIN CERTIFICATE-----`), or from bare base64 DER as
    /// metadata's `ds:X509Certificate` and many admin consoles give it (whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.starts_with("-----BEGIN") {
            let cert = X509::from_pem(text.as_bytes()).map_err(|_| KeyError::Certificate)?;
            return Self::from_der(&cert.to_der().map_err(|_| KeyError::Certificate)?);
        }
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let der = STANDARD.decode(compact.as_bytes()).map_err(|_| KeyError::Certificate)?;
        Self::from_der(&der)
    }

    /// A certificate from DER bytes.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        X509::from_der(der).map_err(|_| KeyError::Certificate)?;
        Ok(Self { der: der.to_vec() })
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Base64 of the DER, as `ds:X509Certificate` carries it.
    pub fn base64(&self) -> String {
        STANDARD.encode(&self.der)
    }

    /// PEM text.
    pub fn pem(&self) -> String {
        let b64 = self.base64();
        let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
        out
    }
}

/// The SP's RSA key pair: signs AuthnRequests and/or decrypts encrypted assertions.
#[derive(Clone)]
pub struct SpKeyPair {
    pub(crate) key: PKey<Private>,
    certificate: Certificate,
}

impl std::fmt::Debug for SpKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpKeyPair")
            .field("certificate", &self.certificate)
            .finish_non_exhaustive()
    }
}

impl SpKeyPair {
    /// A key pair from a PEM RSA private key (PKCS#1 or PKCS#8, at least 2048 bits) and its
    /// certificate (PEM, or base64 DER as [`Certificate::parse`] takes it).
    pub fn from_pem(private_key_pem: &str, certificate_pem: &str) -> Result<Self, KeyError> {
        let key = PKey::private_key_from_pem(private_key_pem.as_bytes()).map_err(|_| KeyError::PrivateKey)?;
        if key.rsa().is_err() {
            return Err(KeyError::PrivateKey);
        }
        if key.bits() < 2048 {
            return Err(KeyError::WeakKey);
        }
        let certificate = Certificate::parse(certificate_pem)?;
        let public = X509::from_der(certificate.der())
            .and_then(|c| c.public_key())
            .map_err(|_| KeyError::Certificate)?;
        if !key.public_eq(&public) {
            return Err(KeyError::KeyMismatch);
        }
        Ok(Self { key, certificate })
    }

    /// The certificate published in SP metadata.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }
}
