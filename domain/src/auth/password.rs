//! Password hashing: argon2id PHC strings with a fresh random salt, and their verification.

use std::sync::{Mutex, OnceLock, PoisonError};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::Rng;

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(String);

/// An argon2id PHC string (`$argon2id$v=19$…`) with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    // Salt from rand's OS-seeded generator: argon2's own `OsRng` path needs a getrandom
    // feature of an older rand_core that nothing else in the build turns on.
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError(e.to_string()))
}

/// Argon2 working memory kept between verifications, one set per verification running at once
/// (the login's hashing slots bound that by the cores). Allocated per login, glibc kept the
/// freed 19 MiB sets in its per-thread arenas: the web tier grew to ~480 MB over 3,000 logins
/// in `make bench`. Every block is written before it is read, so a set needs no clearing.
static BLOCKS: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// True when `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let pool = || BLOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    let mut blocks = pool().pop().unwrap_or_default();
    blocks.resize(params.block_count(), Block::default());
    let mut out = vec![0u8; expected.len()];
    let matches = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut blocks)
        .is_ok()
        // `Output` compares in constant time.
        && Output::new(&out).is_ok_and(|computed| computed == expected);
    // Only sets of our own size are kept: an outsized hash does not pin its memory.
    if blocks.len() <= Params::default().block_count() {
        pool().push(blocks);
    }
    matches
}

/// Spends the time of one verification against a hash nobody has, so a login for an unknown
/// username takes as long as one with a wrong password (no username probing by timing).
pub fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("no user has this password").unwrap_or_default());
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("dfresto-demo").unwrap();
        let b = hash("dfresto-demo").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b);
        assert!(verify("dfresto-demo", &a));
        assert!(verify("dfresto-demo", &b));
        assert!(!verify("dfresto-dem0", &a));
        assert!(!verify("dfresto-demo", "not a hash"));
        verify_nothing("dfresto-demo");
    }

    #[test]
    fn hashes_with_other_parameters_verify_too() {
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 2, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let phc = small
            .hash_password(b"kata sandi", &salt)
            .unwrap()
            .to_string();
        assert!(phc.contains("m=1024,t=2,p=1"), "{phc}");
        assert!(verify("kata sandi", &phc));
        assert!(!verify("kata sandi!", &phc));
        // and the default-size hashes still verify after the pool held a small set
        assert!(verify("dfresto-demo", &hash("dfresto-demo").unwrap()));
    }
}
