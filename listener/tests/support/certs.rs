//! A throwaway PKI for one test: a CA, the broker's server certificate
//! (localhost / 127.0.0.1), client certificates for the kitchen listener and
//! the "cloud" publisher, and a client certificate from a rogue CA.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// Paths of one certificate and its key.
#[derive(Clone, Debug)]
pub struct Identity {
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub struct Pki {
    pub ca: PathBuf,
    pub server: Identity,
    /// CN is the MQTT user name Mosquitto sees (`use_identity_as_username`).
    pub kitchen: Identity,
    pub cloud: Identity,
    pub rogue: Identity,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate")
}

fn issue(
    dir: &Path,
    name: &str,
    issuer: &CertifiedIssuer<'static, KeyPair>,
    sans: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
) -> Identity {
    let mut params = CertificateParams::new(sans).expect("params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, issuer).expect("certificate");
    let identity = Identity {
        cert: dir.join(format!("{name}.crt")),
        key: dir.join(format!("{name}.key")),
    };
    std::fs::write(&identity.cert, cert.pem()).expect("write certificate");
    std::fs::write(&identity.key, key.serialize_pem()).expect("write key");
    identity
}

impl Pki {
    pub fn create(dir: &Path) -> Self {
        let authority = ca("TableTap test CA");
        let ca_path = dir.join("ca.crt");
        std::fs::write(&ca_path, authority.pem()).expect("write CA");
        let server = issue(
            dir,
            "broker",
            &authority,
            vec!["localhost".into(), "127.0.0.1".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let kitchen = issue(
            dir,
            "kitchen-r1",
            &authority,
            vec![],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let cloud = issue(
            dir,
            "cloud",
            &authority,
            vec![],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let rogue = issue(
            dir,
            "kitchen-r1-rogue",
            &ca("Rogue CA"),
            vec![],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        Self {
            ca: ca_path,
            server,
            kitchen,
            cloud,
            rogue,
        }
    }
}
