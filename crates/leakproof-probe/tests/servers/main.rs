//! The probe against real servers on loopback, open and locked.

mod support;

mod mariadb;
mod memcached;
mod postgres;
mod redis;
mod search;
