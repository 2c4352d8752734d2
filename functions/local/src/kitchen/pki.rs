//! The local kitchen's certificates: a private CA made on first start, the
//! broker's server certificate (localhost, 127.0.0.1), and client
//! certificates for the dispatcher and the kitchen listener. Kept in the
//! data folder and reused, so a configured listener keeps working across
//! restarts, exactly as with IoT Core's device certificates.

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// One certificate and its private key, as PEM files.
#[derive(Clone, Debug)]
pub struct Identity {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Pki {
    pub ca: PathBuf,
    pub broker: Identity,
    pub dispatcher: Identity,
    pub listener: Identity,
}

impl Pki {
    /// Loads the certificates from `dir`, creating the whole set if any file
    /// is missing.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        let identity = |name: &str| Identity {
            cert: dir.join(format!("{name}.crt")),
            key: dir.join(format!("{name}.key")),
        };
        let pki = Self {
            ca: dir.join("ca.crt"),
            broker: identity("broker"),
            dispatcher: identity("dispatcher"),
            listener: identity("kitchen-listener"),
        };
        let complete = [&pki.ca, &pki.broker.cert, &pki.broker.key]
            .into_iter()
            .chain([&pki.dispatcher.cert, &pki.dispatcher.key])
            .chain([&pki.listener.cert, &pki.listener.key])
            .all(|path| path.exists());
        if !complete {
            pki.create(dir)
                .with_context(|| format!("cannot create certificates in {}", dir.display()))?;
        }
        Ok(pki)
    }

    fn create(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "TableTap local kitchen CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let authority = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        write_private(&self.ca, authority.pem().as_bytes())?;
        issue(
            &self.broker,
            "localhost",
            vec!["localhost".into(), "127.0.0.1".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
            &authority,
        )?;
        issue(
            &self.dispatcher,
            "tabletap-dispatcher",
            vec![],
            ExtendedKeyUsagePurpose::ClientAuth,
            &authority,
        )?;
        issue(
            &self.listener,
            "tabletap-kitchen-listener",
            vec![],
            ExtendedKeyUsagePurpose::ClientAuth,
            &authority,
        )?;
        Ok(())
    }
}

fn issue(
    identity: &Identity,
    common_name: &str,
    sans: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
    authority: &CertifiedIssuer<'static, KeyPair>,
) -> anyhow::Result<()> {
    let mut params = CertificateParams::new(sans)?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, authority)?;
    write_private(&identity.cert, cert.pem().as_bytes())?;
    write_private(&identity.key, key.serialize_pem().as_bytes())?;
    Ok(())
}

/// Writes a file only its owner can read (keys must not be world-readable).
fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents)?;
    Ok(())
}
