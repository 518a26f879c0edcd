//! A configuration value as a process read it: the name it was read under and its text. The
//! processes' config modules (`web/src/config.rs`, `worker/src/config.rs`) are the only code that
//! knows the environment's variable names; the domain parses and checks the typed settings it
//! needs from these, and names the variable in its errors.

/// One setting that was given (an absent one is `None` where it is used: the default holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: &'static str,
    pub value: String,
}

impl Setting {
    pub fn new(name: &'static str, value: impl Into<String>) -> Setting {
        Setting {
            name,
            value: value.into(),
        }
    }

    /// The value as a whole number, or an error naming the setting.
    pub fn whole_number<T: std::str::FromStr>(&self) -> Result<T, String> {
        self.value
            .trim()
            .parse()
            .map_err(|_| format!("{}: not a whole number: {:?}", self.name, self.value))
    }
}
