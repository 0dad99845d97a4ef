//! Closed sets of names (a conversation's state, an operator's availability, a system
//! event…): one enum each, with its wire/database name written once. The schema's `CHECK`
//! constraints and the protocol use the same names; rows and frames are mapped to these
//! types once, where they are read.

/// Declares an enum whose variants each have one name, used by serde (JSON, frames) and
/// by `as_str`/`parse` (database columns, URLs):
///
/// ```ignore
/// closed_set! {
///     /// Doc.
///     pub enum Availability { Available = "available", Away = "away" }
/// }
/// ```
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_set;

#[cfg(test)]
mod tests {
    closed_set! {
        enum Sample { One = "one", TwoWords = "two_words" }
    }

    #[test]
    fn one_name_for_serde_and_the_database() {
        for v in Sample::ALL {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(Sample::parse(v.as_str()), Some(*v));
            assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), *v);
        }
        assert_eq!(Sample::parse("three"), None);
    }
}
