//! Listener configuration: one TOML file, plus environment overrides for the
//! values that differ per machine or come from a secret store (so the same
//! file can be baked into an image and the endpoint or client id injected).

use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tabletap_core::ids::{RestaurantId, StationId};

/// Where the config file is looked for when neither `--config` nor
/// `TABLETAP_LISTENER_CONFIG` says otherwise.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/tabletap-listener/config.toml";

/// Environment variables that override a key of the file: (variable, key
/// path, is it a number).
pub const ENV_OVERRIDES: &[(&str, &[&str], bool)] = &[
    ("TABLETAP_LISTENER_RESTAURANT_ID", &["restaurant_id"], false),
    ("TABLETAP_LISTENER_STATE_DIR", &["state_dir"], false),
    ("TABLETAP_LISTENER_MQTT_HOST", &["mqtt", "host"], false),
    ("TABLETAP_LISTENER_MQTT_PORT", &["mqtt", "port"], true),
    (
        "TABLETAP_LISTENER_MQTT_CLIENT_ID",
        &["mqtt", "client_id"],
        false,
    ),
    ("TABLETAP_LISTENER_MQTT_CA", &["mqtt", "ca"], false),
    ("TABLETAP_LISTENER_MQTT_CERT", &["mqtt", "cert"], false),
    ("TABLETAP_LISTENER_MQTT_KEY", &["mqtt", "key"], false),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read config file {path}: {source} (pass --config or set TABLETAP_LISTENER_CONFIG)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {var} must be a whole number, got {value:?}")]
    EnvNumber { var: &'static str, value: String },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The only restaurant whose tickets this listener prints.
    pub restaurant_id: RestaurantId,
    /// Holds the journal of printed tickets and rejected messages.
    #[serde(default = "default_state_dir")]
    pub state_dir: PathBuf,
    pub mqtt: MqttConfig,
    #[serde(default)]
    pub journal: JournalConfig,
    pub printers: Vec<PrinterConfig>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttConfig {
    /// IoT Core ATS endpoint (`xxxx-ats.iot.<region>.amazonaws.com`) or the
    /// local broker. A host name is also sent as TLS SNI, which IoT Core needs.
    pub host: String,
    #[serde(default = "default_mqtt_port")]
    pub port: u16,
    /// Stable id: the broker keeps this client's session (and the tickets
    /// queued while it is away) under it. On IoT Core, the thing name.
    pub client_id: String,
    /// CA that signed the broker's certificate (AmazonRootCA1.pem for IoT Core).
    pub ca: PathBuf,
    /// This listener's certificate and private key (PEM).
    pub cert: PathBuf,
    pub key: PathBuf,
    /// ALPN protocols; IoT Core on port 443 needs `["x-amzn-mqtt-ca"]`.
    #[serde(default)]
    pub alpn: Vec<String>,
    #[serde(default = "default_keep_alive_secs")]
    pub keep_alive_secs: u64,
    #[serde(default = "default_connect_timeout_secs")]
    pub connect_timeout_secs: u64,
    #[serde(default = "BackoffConfig::mqtt")]
    pub reconnect: BackoffConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalConfig {
    /// How many printed ticket ids are remembered. A redelivery older than
    /// this would print again; 10 000 covers days of a busy kitchen.
    #[serde(default = "default_journal_capacity")]
    pub capacity: usize,
}

impl Default for JournalConfig {
    fn default() -> Self {
        Self {
            capacity: default_journal_capacity(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// Shown in logs and `doctor`.
    pub name: String,
    /// Station ids this printer prints, or `["*"]` for every station no
    /// other printer claims.
    pub stations: Vec<String>,
    pub connection: Connection,
    /// Characters per line in font A (48 on the 80 mm RP326).
    #[serde(default = "default_columns")]
    pub columns: u8,
    /// How long to wait for the printer to connect or answer a status query.
    #[serde(default = "default_printer_timeout_ms")]
    pub timeout_ms: u64,
    /// Pause between attempts while the printer is off, out of paper or open.
    #[serde(default = "BackoffConfig::printer")]
    pub retry: BackoffConfig,
}

/// How a printer is reached.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Connection {
    /// Raw TCP ("JetDirect"), usually port 9100. Supports status queries.
    Network { address: String },
    /// USB bulk endpoints (build feature `usb`).
    Usb {
        #[serde(default = "default_usb_vendor")]
        vendor_id: u16,
        #[serde(default = "default_usb_product")]
        product_id: u16,
    },
    /// Serial port (build feature `serial`).
    Serial { path: String, baud_rate: u32 },
    /// A device node such as `/dev/usb/lp0`, or a plain file to append to.
    File { path: PathBuf },
    /// Writes a readable preview to standard output (development).
    Console,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BackoffConfig {
    pub initial_ms: u64,
    pub max_ms: u64,
}

impl BackoffConfig {
    fn mqtt() -> Self {
        Self {
            initial_ms: 1_000,
            max_ms: 60_000,
        }
    }

    fn printer() -> Self {
        Self {
            initial_ms: 1_000,
            max_ms: 15_000,
        }
    }

    pub fn initial(&self) -> Duration {
        Duration::from_millis(self.initial_ms)
    }

    pub fn max(&self) -> Duration {
        Duration::from_millis(self.max_ms.max(self.initial_ms))
    }
}

/// Which stations a printer takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stations {
    All,
    Only(Vec<StationId>),
}

impl PrinterConfig {
    pub fn stations(&self) -> Stations {
        if self.stations.iter().any(|s| s == "*") {
            return Stations::All;
        }
        // Validated in `Config::validate`.
        Stations::Only(
            self.stations
                .iter()
                .filter_map(|s| StationId::parse(s.as_str()).ok())
                .collect(),
        )
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

impl MqttConfig {
    pub fn keep_alive(&self) -> Duration {
        Duration::from_secs(self.keep_alive_secs)
    }
}

fn default_state_dir() -> PathBuf {
    PathBuf::from("/var/lib/tabletap-listener")
}
fn default_mqtt_port() -> u16 {
    8883
}
fn default_keep_alive_secs() -> u64 {
    30
}
fn default_connect_timeout_secs() -> u64 {
    10
}
fn default_journal_capacity() -> usize {
    10_000
}
fn default_columns() -> u8 {
    48
}
fn default_printer_timeout_ms() -> u64 {
    3_000
}
fn default_usb_vendor() -> u16 {
    0x0FE6
}
fn default_usb_product() -> u16 {
    0x811E
}

impl Config {
    /// Reads the file at `path` and applies the `TABLETAP_LISTENER_*`
    /// overrides from the process environment.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        Self::load_with_env(path, |var| std::env::var(var).ok())
    }

    pub fn load_with_env(
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path, env)
    }

    pub fn parse(
        text: &str,
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let parse_error = |message: String| ConfigError::Parse {
            path: path.to_owned(),
            message,
        };
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        apply_env_overrides(&mut table, env)?;
        let config: Config = table
            .try_into()
            .map_err(|e: toml::de::Error| parse_error(e.to_string()))?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let mqtt = &self.mqtt;
        if mqtt.host.trim().is_empty() {
            return Err(
                "mqtt.host is empty: set the IoT Core ATS endpoint or the local broker's host"
                    .into(),
            );
        }
        if mqtt.client_id.is_empty() || mqtt.client_id.len() > 128 {
            return Err(
                "mqtt.client_id must be 1 to 128 characters (on IoT Core: the thing name)".into(),
            );
        }
        if mqtt.keep_alive_secs == 0 {
            return Err("mqtt.keep_alive_secs must be at least 1".into());
        }
        if self.journal.capacity < 100 {
            return Err("journal.capacity must be at least 100 ticket ids".into());
        }
        if self.printers.is_empty() {
            return Err("add at least one [[printers]] table".into());
        }
        let mut names = HashSet::new();
        let mut claimed = HashSet::new();
        let mut catch_all = None;
        for printer in &self.printers {
            if !names.insert(printer.name.as_str()) {
                return Err(format!(
                    "two printers are named {:?}; give each a unique name",
                    printer.name
                ));
            }
            if !(24..=96).contains(&printer.columns) {
                return Err(format!(
                    "printer {:?}: columns must be between 24 and 96",
                    printer.name
                ));
            }
            if printer.stations.is_empty() {
                return Err(format!(
                    "printer {:?} has no stations: list the station ids it prints, or \"*\"",
                    printer.name
                ));
            }
            for station in &printer.stations {
                if station == "*" {
                    if let Some(other) = catch_all.replace(printer.name.as_str()) {
                        return Err(format!(
                            "printers {other:?} and {:?} both claim \"*\"",
                            printer.name
                        ));
                    }
                    continue;
                }
                StationId::parse(station.as_str())
                    .map_err(|e| format!("printer {:?}: {e}", printer.name))?;
                if !claimed.insert(station.as_str()) {
                    return Err(format!(
                        "station {station:?} is listed on two printers; a station prints on exactly one"
                    ));
                }
            }
        }
        Ok(())
    }
}

fn apply_env_overrides(
    table: &mut toml::Table,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for &(var, key_path, is_number) in ENV_OVERRIDES {
        let Some(value) = env(var) else { continue };
        let value = if is_number {
            let number = value
                .trim()
                .parse::<i64>()
                .map_err(|_| ConfigError::EnvNumber {
                    var,
                    value: value.clone(),
                })?;
            toml::Value::Integer(number)
        } else {
            toml::Value::String(value)
        };
        let (last, parents) = key_path.split_last().expect("override paths are not empty");
        let mut target = &mut *table;
        for parent in parents {
            let entry = target
                .entry(parent.to_string())
                .or_insert_with(|| toml::Value::Table(Default::default()));
            if !entry.is_table() {
                *entry = toml::Value::Table(Default::default());
            }
            target = entry.as_table_mut().expect("made a table just above");
        }
        target.insert(last.to_string(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
        restaurant_id = "demo"
        state_dir = "/tmp/x"

        [mqtt]
        host = "abc-ats.iot.eu-west-1.amazonaws.com"
        client_id = "tabletap-demo-kitchen"
        ca = "ca.pem"
        cert = "cert.pem"
        key = "key.pem"

        [[printers]]
        name = "hot"
        stations = ["pizza", "grill"]
        connection = { kind = "network", address = "192.168.1.50:9100" }

        [[printers]]
        name = "bar"
        stations = ["*"]
        connection = { kind = "usb" }
    "#;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn reads_a_full_config_with_defaults() {
        let config = Config::parse(SAMPLE, Path::new("c.toml"), no_env).unwrap();
        assert_eq!(config.mqtt.port, 8883);
        assert_eq!(config.journal.capacity, 10_000);
        assert_eq!(config.printers[0].columns, 48);
        assert_eq!(
            config.printers[1].connection,
            Connection::Usb {
                vendor_id: 0x0FE6,
                product_id: 0x811E
            }
        );
        assert_eq!(config.printers[1].stations(), Stations::All);
        assert!(matches!(config.printers[0].stations(), Stations::Only(s) if s.len() == 2));
    }

    #[test]
    fn environment_overrides_the_file() {
        let env = |var: &str| match var {
            "TABLETAP_LISTENER_MQTT_HOST" => Some("127.0.0.1".to_owned()),
            "TABLETAP_LISTENER_MQTT_PORT" => Some("18883".to_owned()),
            _ => None,
        };
        let config = Config::parse(SAMPLE, Path::new("c.toml"), env).unwrap();
        assert_eq!(config.mqtt.host, "127.0.0.1");
        assert_eq!(config.mqtt.port, 18883);

        let bad_port = |var: &str| (var == "TABLETAP_LISTENER_MQTT_PORT").then(|| "x".to_owned());
        let err = Config::parse(SAMPLE, Path::new("c.toml"), bad_port).unwrap_err();
        assert!(
            err.to_string().contains("TABLETAP_LISTENER_MQTT_PORT"),
            "{err}"
        );
    }

    #[test]
    fn mistakes_are_explained() {
        let typo = SAMPLE.replace("client_id =", "clientid =");
        let err = Config::parse(&typo, Path::new("c.toml"), no_env)
            .unwrap_err()
            .to_string();
        assert!(err.contains("clientid"), "{err}");

        let twice = SAMPLE.replace(r#"["*"]"#, r#"["pizza"]"#);
        let err = Config::parse(&twice, Path::new("c.toml"), no_env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("station \"pizza\" is listed on two printers"),
            "{err}"
        );

        let bad_station = SAMPLE.replace(r#""grill""#, r#""Grill""#);
        let err = Config::parse(&bad_station, Path::new("c.toml"), no_env)
            .unwrap_err()
            .to_string();
        assert!(err.contains("station id \"Grill\""), "{err}");
    }
}
