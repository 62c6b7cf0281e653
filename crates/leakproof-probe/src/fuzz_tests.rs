//! Every parser of server answers is total: whatever bytes a hostile server
//! sends, it returns a frame, "need more" or an error, and never panics.

use proptest::prelude::*;

use crate::{memcached, mongo, mysql, postgres, redis};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = redis::parse(&bytes);
        let _ = memcached::parse_until_end(&bytes);
        let _ = memcached::parse_values(&bytes);
        let _ = postgres::parse_message(&bytes);
        let _ = postgres::data_row(&bytes);
        let _ = mysql::parse_packet(&bytes);
        let _ = mysql::parse_greeting(&bytes);
        let _ = mongo::parse_reply(&bytes);
        let _ = mongo::decode_document(&bytes, 0);
    }

    #[test]
    fn consumed_length_stays_within_the_buffer(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(Some((_, used))) = redis::parse(&bytes) {
            prop_assert!(used <= bytes.len());
        }
        if let Ok(Some((_, used))) = postgres::parse_message(&bytes) {
            prop_assert!(used <= bytes.len());
        }
        if let Ok(Some((_, used))) = mongo::parse_reply(&bytes) {
            prop_assert!(used <= bytes.len());
        }
    }

    #[test]
    fn target_parsing_never_panics(spec in "[0-9a-z:/\\[\\].,@#?]{0,30}|\\PC{0,20}") {
        let _ = spec.parse::<crate::Target>();
    }

    #[test]
    fn resp_round_trips_bulk_strings(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..6)) {
        let args: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let encoded = redis::encode(&args);
        let (reply, used) = redis::parse(&encoded).unwrap().unwrap();
        prop_assert_eq!(used, encoded.len());
        let expected = redis::Reply::Array(Some(parts.iter().map(|p| redis::Reply::Bulk(Some(p.clone()))).collect()));
        prop_assert_eq!(reply, expected);
    }
}
