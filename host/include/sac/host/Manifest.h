// A module's manifest.json, parsed and validated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sac::host {

struct ManifestMenuEntry {
    std::string parent;     ///< main-menu section, e.g. "Marketing"
    std::string label;
    std::string href;
    std::string permission; ///< may be empty: any logged-in user
};

struct ManifestPermission {
    std::string id;
    std::vector<std::string> roles;
};

struct ManifestSetting {
    std::string key;
    std::string defaultValue;
};

struct Manifest {
    std::filesystem::path file;      ///< absolute path of manifest.json
    std::filesystem::path directory; ///< folder holding it (the module dir)
    std::string id;
    std::string name;
    std::string version;
    std::uint32_t abiVersion = 0;
    std::string library;             ///< file name relative to directory
    std::string entrySymbol;         ///< defaults to "sac_module_entry"
    std::vector<ManifestMenuEntry> menu;
    std::vector<ManifestPermission> permissions;
    std::vector<ManifestSetting> settings;
    std::string migrations;          ///< folder relative to directory, may be empty
    std::string templates;           ///< folder relative to directory, may be empty

    std::filesystem::path libraryPath() const { return directory / library; }
    const ManifestPermission* findPermission(const std::string& permissionId) const;
    const ManifestSetting* findSetting(const std::string& key) const;
    bool declaresMenu(const ManifestMenuEntry& entry) const;
};

/// Why a manifest (or a module) was refused: the file concerned, what was
/// expected and what was found. line() gives the one log line.
struct Refusal {
    std::string file;
    std::string expected;
    std::string found;
    std::string line() const { return "module refused: " + file + ": expected " + expected + ", found " + found; }
};

using ManifestResult = std::variant<Manifest, Refusal>;

/// Parses manifest JSON text. Checks required fields and their types
/// (id, name, version, abi_version, library as strings/integer; optional
/// entry_symbol, menu[], permissions[], settings[], migrations, templates)
/// and that abi_version equals expectedAbi. Never throws.
ManifestResult parseManifest(const std::string& jsonText, const std::filesystem::path& file,
                             std::uint32_t expectedAbi);

/// Reads and parses the file. Never throws.
ManifestResult loadManifest(const std::filesystem::path& file, std::uint32_t expectedAbi);

} // namespace sac::host
