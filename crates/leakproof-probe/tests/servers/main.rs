//! The probe against real servers on loopback, open and locked.

mod support;

mod hostile;
mod mariadb;
mod memcached;
mod mongo;
mod postgres;
mod redis;
mod search;
