//! Opening a printer connection with the escpos drivers.

use super::PrintError;
use crate::config::Connection;
use escpos::driver::{Driver, FileDriver, NetworkDriver};
use std::fs::OpenOptions;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Port of raw ESC/POS over TCP on nearly every network receipt printer.
const RAW_PRINT_PORT: u16 = 9100;

/// An open connection to a printer.
pub(super) struct Link {
    driver: Box<dyn Driver>,
    /// Whether real-time status (DLE EOT) can be read back.
    status: bool,
}

impl Link {
    pub(super) fn driver(&self) -> &dyn Driver {
        self.driver.as_ref()
    }

    pub(super) fn has_status(&self) -> bool {
        self.status
    }

    pub(super) fn send(&self, bytes: &[u8]) -> Result<(), PrintError> {
        self.driver
            .write(bytes)
            .map_err(|e| PrintError::Io(e.to_string()))?;
        self.driver
            .flush()
            .map_err(|e| PrintError::Io(e.to_string()))
    }
}

const NO_USB: &str = "this build has no USB printer support; rebuild with `--features usb`";
const NO_SERIAL: &str = "this build has no serial printer support; install libudev-dev and rebuild with `--features serial`";

pub(super) fn check_supported(connection: &Connection) -> Result<(), PrintError> {
    match connection {
        Connection::Usb { .. } if !cfg!(feature = "usb") => {
            Err(PrintError::Unsupported(NO_USB.into()))
        }
        Connection::Serial { .. } if !cfg!(feature = "serial") => {
            Err(PrintError::Unsupported(NO_SERIAL.into()))
        }
        _ => Ok(()),
    }
}

pub(super) fn open(connection: &Connection, timeout: Duration) -> Result<Link, PrintError> {
    check_supported(connection)?;
    match connection {
        Connection::Network { address } => {
            let ip = resolve(address)?;
            let driver = NetworkDriver::open(&ip.ip().to_string(), ip.port(), Some(timeout))
                .map_err(|e| PrintError::Unreachable(format!("{address}: {e}")))?;
            Ok(Link {
                driver: Box::new(driver),
                status: true,
            })
        }
        Connection::File { path } => {
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            let driver = FileDriver::open_with_options(path, &options)
                .map_err(|e| PrintError::Unreachable(format!("{}: {e}", path.display())))?;
            Ok(Link {
                driver: Box::new(driver),
                status: false,
            })
        }
        Connection::Usb {
            vendor_id,
            product_id,
        } => open_usb(*vendor_id, *product_id),
        Connection::Serial { path, baud_rate } => open_serial(path, *baud_rate, timeout),
        Connection::Console => Err(PrintError::Unsupported(
            "the console printer has no connection".into(),
        )),
    }
}

/// "host:port", "host", "ip" or "ip:port" ("[v6]:port"); port 9100 unless given.
fn resolve(address: &str) -> Result<SocketAddr, PrintError> {
    if let Ok(socket) = address.parse::<SocketAddr>() {
        return Ok(socket);
    }
    if let Ok(ip) = address.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, RAW_PRINT_PORT));
    }
    let has_port = address
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
    let with_port = if has_port {
        address.to_owned()
    } else {
        format!("{address}:{RAW_PRINT_PORT}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| PrintError::Unreachable(format!("cannot resolve {address}: {e}")))?
        .next()
        .ok_or_else(|| PrintError::Unreachable(format!("{address} resolves to no address")))
}

#[cfg(feature = "usb")]
fn open_usb(vendor_id: u16, product_id: u16) -> Result<Link, PrintError> {
    let driver = escpos::driver::NativeUsbDriver::open(vendor_id, product_id).map_err(|e| {
        PrintError::Unreachable(format!(
            "USB {vendor_id:04x}:{product_id:04x}: {e} (is it plugged in and switched on? see `lsusb`; \
             the service user needs access to the device, see the udev rule in the README)"
        ))
    })?;
    Ok(Link {
        driver: Box::new(driver),
        status: false,
    })
}

#[cfg(not(feature = "usb"))]
fn open_usb(_vendor_id: u16, _product_id: u16) -> Result<Link, PrintError> {
    Err(PrintError::Unsupported(NO_USB.into()))
}

#[cfg(feature = "serial")]
fn open_serial(path: &str, baud_rate: u32, timeout: Duration) -> Result<Link, PrintError> {
    let driver = escpos::driver::SerialPortDriver::open(path, baud_rate, Some(timeout))
        .map_err(|e| PrintError::Unreachable(format!("serial {path}: {e}")))?;
    Ok(Link {
        driver: Box::new(driver),
        status: false,
    })
}

#[cfg(not(feature = "serial"))]
fn open_serial(_path: &str, _baud_rate: u32, _timeout: Duration) -> Result<Link, PrintError> {
    Err(PrintError::Unsupported(NO_SERIAL.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_default_to_port_9100() {
        assert_eq!(
            resolve("127.0.0.1").unwrap(),
            "127.0.0.1:9100".parse().unwrap()
        );
        assert_eq!(
            resolve("127.0.0.1:9101").unwrap(),
            "127.0.0.1:9101".parse().unwrap()
        );
        assert_eq!(resolve("::1").unwrap(), "[::1]:9100".parse().unwrap());
        assert_eq!(resolve("localhost:9100").unwrap().port(), 9100);
    }
}
