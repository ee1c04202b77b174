#pragma once
// SDK version. A plugin records the version it was built against in its ABI
// block; the host refuses a plugin whose major version differs from its own.
// Minor versions only add (new virtuals go at the end, new struct fields are
// guarded by struct_size).
#define SHIMING_SDK_VERSION_MAJOR 1
// 1.1: CaseView.due_at. 1.2: the Notifier kind (notifier.h), Host::data_dir().
// 1.3: Cases::open_many, Cases::findings, Cases::decide.
// 1.4: Cases::find_by_id_numbers, Cases::reissue_citizen_token.
#define SHIMING_SDK_VERSION_MINOR 4

namespace shiming::sdk {
inline constexpr unsigned kSdkMajor = SHIMING_SDK_VERSION_MAJOR;
inline constexpr unsigned kSdkMinor = SHIMING_SDK_VERSION_MINOR;
}  // namespace shiming::sdk
