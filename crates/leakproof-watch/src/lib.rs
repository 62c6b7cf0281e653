//! Continuous audit and probe: scheduler, findings store, alerts, API, dashboard.
