//! Mutual TLS material for the broker: the CA that signed the broker
//! (AmazonRootCA1 for IoT Core), this listener's certificate and key. Loaded
//! once at start so a missing or mismatched file fails fast with the path
//! and what to do, instead of as a reconnect loop.

use crate::config::MqttConfig;
use jiff::Timestamp;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {what} {path}: {reason}")]
    Unreadable {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("{what} {path} holds no PEM certificate{hint}")]
    NoCertificate {
        what: &'static str,
        path: PathBuf,
        hint: &'static str,
    },
    #[error(
        "private key {path} is not a PEM private key (PKCS#8 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY'): {reason}"
    )]
    BadKey { path: PathBuf, reason: String },
    #[error(
        "cannot use certificate {cert} with key {key}: {reason} (does the key belong to this certificate?)"
    )]
    Rejected {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
}

/// The PEM files of one listener, parsed.
pub struct TlsMaterial {
    pub ca: Vec<CertificateDer<'static>>,
    pub cert_chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl TlsMaterial {
    pub fn load(mqtt: &MqttConfig) -> Result<Self, TlsError> {
        let ca = read_certificates("CA file", &mqtt.ca, " (for IoT Core use AmazonRootCA1.pem)")?;
        let cert_chain = read_certificates("certificate", &mqtt.cert, "")?;
        let key = PrivateKeyDer::from_pem_file(&mqtt.key).map_err(|e| match e {
            rustls::pki_types::pem::Error::Io(io) => TlsError::Unreadable {
                what: "private key",
                path: mqtt.key.clone(),
                reason: io.to_string(),
            },
            other => TlsError::BadKey {
                path: mqtt.key.clone(),
                reason: other.to_string(),
            },
        })?;
        Ok(Self {
            ca,
            cert_chain,
            key,
        })
    }

    /// A rustls client config (ring provider) that trusts only the given CA
    /// and presents this listener's certificate.
    pub fn client_config(&self, mqtt: &MqttConfig) -> Result<Arc<ClientConfig>, TlsError> {
        let rejected = |reason: String| TlsError::Rejected {
            cert: mqtt.cert.clone(),
            key: mqtt.key.clone(),
            reason,
        };
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(self.ca.iter().cloned());
        if added == 0 {
            return Err(TlsError::NoCertificate {
                what: "CA file",
                path: mqtt.ca.clone(),
                hint: " that rustls can use as a trust anchor",
            });
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| rejected(e.to_string()))?
            .with_root_certificates(roots)
            .with_client_auth_cert(self.cert_chain.clone(), self.key.clone_key())
            .map_err(|e| rejected(e.to_string()))?;
        config.alpn_protocols = mqtt.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        Ok(Arc::new(config))
    }
}

fn read_certificates(
    what: &'static str,
    path: &Path,
    hint: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let unreadable = |reason: String| TlsError::Unreadable {
        what,
        path: path.to_owned(),
        reason,
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| unreadable(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unreadable(e.to_string()))?;
    if certificates.is_empty() {
        return Err(TlsError::NoCertificate {
            what,
            path: path.to_owned(),
            hint,
        });
    }
    Ok(certificates)
}

/// What `doctor` tells about a certificate.
#[derive(Debug, Clone)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

impl CertificateInfo {
    pub fn parse(der: &CertificateDer<'_>) -> Result<Self, String> {
        let (_, cert) =
            x509_parser::parse_x509_certificate(der.as_ref()).map_err(|e| e.to_string())?;
        let validity = cert.validity();
        let timestamp = |t: x509_parser::time::ASN1Time| {
            Timestamp::from_second(t.timestamp())
                .map_err(|e| format!("certificate date out of range: {e}"))
        };
        Ok(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: timestamp(validity.not_before)?,
            not_after: timestamp(validity.not_after)?,
        })
    }
}
