// Files the module keeps on disk (evidence images): written whole or not at
// all, readable by the service user only.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "domain/Result.h"

namespace sac::storage {

/// Writes bytes to path so that path either keeps what it had or holds all of
/// bytes: a temp file in the same directory (created exclusively with mode
/// `mode`), every byte written, fsync, close, rename over path, fsync of the
/// directory; every step is checked. On any failure the temp file is removed,
/// a path that did not exist before is not left behind, and the error names
/// the step, the path and the system's reason (never the content). Does not
/// create the directory. A final symlink is replaced, never followed.
/// Thread-safe (distinct temp names); concurrent writers of one path leave
/// one of the complete contents.
domain::Result<bool> writeFileAtomically(const std::string& path, std::string_view bytes, mode_t mode = 0600);

/// Creates dir and its missing parents with `mode` (existing ones are kept
/// as they are). Fails naming the directory that could not be made.
domain::Result<bool> makeDirectories(const std::string& dir, mode_t mode = 0700);

} // namespace sac::storage
