// sac-rotate-key: re-seals every store's credentials under a new key.
//
//   sac-rotate-key --config=/etc/sac/host.properties --new-key-file=/var/lib/sac/sac.key.new
//   sac-rotate-key --database=URL --old-key-file=OLD --new-key-file=NEW [--check]
//   sac-rotate-key --generate-key=/var/lib/sac/sac.key.new
//
// The old keys are every --old-key-file / --old-key-env given plus, with
// --config, the key the module uses (modules.sac.key_env when that variable
// is set, else modules.sac.key_file, default data/sac.key) and
// modules.sac.key_previous_files. The database is --database, else the
// host's (host.database, else sqlite:<host.data_dir>/sac.db). Key files must
// exist with mode 0600: this command never creates or changes a key file
// except with --generate-key. It prints store ids, key ids and counts, never
// a secret or a key. Procedure: docs/operations.md, "Rotating the key".
//
// Exit codes (sysexits.h): 0 every store is sealed with the new key (or has
// nothing sealed); 65 some stores cannot be opened with the given keys (left
// as they are, listed); 64 wrong arguments; 66 a key file or the
// configuration cannot be read; 70 a database or internal failure (what was
// committed stays; run it again).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/Path.h>
#include <Poco/Util/AbstractConfiguration.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <sac/sql/Database.h>

#include "services/CredentialRotation.h"
#include "services/CredentialVault.h"

namespace {

constexpr int kOk = 0;
constexpr int kUsage = 64;
constexpr int kDataErr = 65;
constexpr int kNoInput = 66;
constexpr int kSoftware = 70;

using sac::services::CredentialVault;
using Key = std::vector<unsigned char>;

struct Args {
    std::string config;
    std::string database;
    std::vector<std::string> oldKeyFiles;
    std::vector<std::string> oldKeyEnvs;
    std::string newKeyFile;
    std::string newKeyEnv;
    std::string generate;
    bool check = false;
    bool help = false;
};

void usage(std::ostream& out) {
    out << "usage: sac-rotate-key [--config=HOST_PROPERTIES] [--database=URL] [--old-key-file=FILE]...\n"
           "                      [--old-key-env=VAR]... (--new-key-file=FILE | --new-key-env=VAR) [--check]\n"
           "       sac-rotate-key --generate-key=FILE\n"
           "Re-seals every store's credentials under the new key; values already under it are skipped,\n"
           "so running it again finishes an interrupted run. --check changes nothing.\n";
}

bool parse(int argc, char** argv, Args& a, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        const std::string value = eq == std::string::npos ? std::string() : arg.substr(eq + 1);
        const bool hasValue = eq != std::string::npos && !value.empty();
        if (name == "--help" || name == "-h") a.help = true;
        else if (name == "--check" && eq == std::string::npos) a.check = true;
        else if (!hasValue) {
            error = "expected --option=VALUE, found \"" + name + "\"";
            return false;
        } else if (name == "--config") a.config = value;
        else if (name == "--database") a.database = value;
        else if (name == "--old-key-file") a.oldKeyFiles.push_back(value);
        else if (name == "--old-key-env") a.oldKeyEnvs.push_back(value);
        else if (name == "--new-key-file") a.newKeyFile = value;
        else if (name == "--new-key-env") a.newKeyEnv = value;
        else if (name == "--generate-key") a.generate = value;
        else {
            error = "unknown option \"" + name + "\"";
            return false;
        }
    }
    return true;
}

Key keyFromEnv(const std::string& var) {
    const char* text = std::getenv(var.c_str());
    if (!text || !*text) throw std::runtime_error("environment variable " + var + ": expected a key, found none");
    auto key = CredentialVault::parseKey(text);
    if (!key) throw std::runtime_error("environment variable " + var + ": expected 64 hex characters");
    return std::move(*key);
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    Args a;
    std::string error;
    if (!parse(argc, argv, a, error)) {
        std::cerr << "sac-rotate-key: " << error << "\n";
        usage(std::cerr);
        return kUsage;
    }
    if (a.help) {
        usage(std::cout);
        return kOk;
    }
    if (!a.generate.empty()) {
        if (argc != 2) {
            std::cerr << "sac-rotate-key: --generate-key is used alone\n";
            return kUsage;
        }
        try {
            if (!CredentialVault::createKeyFile(a.generate)) {
                std::cerr << "sac-rotate-key: " << a.generate << " exists; choose a new file name\n";
                return kUsage;
            }
            std::cout << "new key written to " << a.generate << " (mode 0600), key id "
                      << CredentialVault::keyIdOf(CredentialVault::readKeyFile(a.generate)) << "\n";
            return kOk;
        } catch (const std::exception& e) {
            std::cerr << "sac-rotate-key: " << e.what() << "\n";
            return kNoInput;
        }
    }
    if (a.newKeyFile.empty() == a.newKeyEnv.empty()) {
        std::cerr << "sac-rotate-key: expected one of --new-key-file=FILE or --new-key-env=VAR\n";
        usage(std::cerr);
        return kUsage;
    }

    std::string databaseUrl = a.database;
    Key newKey;
    std::vector<Key> oldKeys;
    std::vector<std::string> oldNames; // for the report: where each old key came from
    try {
        if (!a.config.empty()) {
            Poco::AutoPtr<Poco::Util::AbstractConfiguration> cfg;
            if (Poco::Path(a.config).getExtension() == "ini") cfg = new Poco::Util::IniFileConfiguration(a.config);
            else cfg = new Poco::Util::PropertyFileConfiguration(a.config);
            if (databaseUrl.empty()) {
                databaseUrl = cfg->getString("host.database", "");
                if (databaseUrl.empty())
                    databaseUrl = "sqlite:" + (Poco::Path(cfg->getString("host.data_dir", "data")).append("sac.db")).toString();
            }
            const std::string env = cfg->getString("modules.sac.key_env", "SAC_CREDENTIALS_KEY");
            if (const char* v = env.empty() ? nullptr : std::getenv(env.c_str()); v && *v) {
                oldKeys.push_back(keyFromEnv(env));
                oldNames.push_back("$" + env);
            } else {
                const std::string file = cfg->getString("modules.sac.key_file", "data/sac.key");
                oldKeys.push_back(CredentialVault::readKeyFile(file));
                oldNames.push_back(file);
            }
            for (const auto& file : splitList(cfg->getString("modules.sac.key_previous_files", ""))) {
                oldKeys.push_back(CredentialVault::readKeyFile(file));
                oldNames.push_back(file);
            }
        }
        for (const auto& file : a.oldKeyFiles) {
            oldKeys.push_back(CredentialVault::readKeyFile(file));
            oldNames.push_back(file);
        }
        for (const auto& env : a.oldKeyEnvs) {
            oldKeys.push_back(keyFromEnv(env));
            oldNames.push_back("$" + env);
        }
        newKey = a.newKeyFile.empty() ? keyFromEnv(a.newKeyEnv) : CredentialVault::readKeyFile(a.newKeyFile);
    } catch (const std::exception& e) {
        std::cerr << "sac-rotate-key: " << e.what() << "\n";
        return kNoInput;
    }
    if (databaseUrl.empty()) {
        std::cerr << "sac-rotate-key: expected --database=URL or --config=FILE naming the host's database\n";
        return kUsage;
    }

    const std::string newId = CredentialVault::keyIdOf(newKey);
    std::cout << "new key " << newId << (a.newKeyFile.empty() ? " from $" + a.newKeyEnv : " from " + a.newKeyFile)
              << "\n";
    for (std::size_t i = 0; i < oldKeys.size(); ++i)
        std::cout << "old key " << CredentialVault::keyIdOf(oldKeys[i]) << " from " << oldNames[i]
                  << (oldKeys[i] == newKey ? " (the same key: only other values are re-sealed)" : "") << "\n";

    try {
        auto db = sac::sql::Database::open(databaseUrl);
        std::cout << "database " << db->redactedUrl() << (a.check ? " (check only, nothing is changed)" : "") << "\n";
        sac::services::RotationOptions options;
        options.checkOnly = a.check;
        options.progress = [](const std::string& line) { std::cout << line << "\n"; };
        const auto report = sac::services::rotateCredentials(*db, newKey, oldKeys, options);
        std::cout << report.stores << " stores: " << report.resealed << (a.check ? " to re-seal" : " re-sealed")
                  << " (" << report.upgradedV1 << " from v1), " << report.alreadyCurrent
                  << " already sealed with key " << newId << ", " << report.empty << " without credentials, "
                  << report.unreadable.size() << " unreadable\n";
        if (!report.complete()) {
            std::cerr << "sac-rotate-key: " << report.unreadable.size()
                      << " store(s) cannot be opened with the given keys (listed above); add the key that sealed "
                         "them with --old-key-file, or have an admin enter their credentials again\n";
            return kDataErr;
        }
        if (a.check && report.resealed > 0) {
            std::cout << "not done: " << report.resealed << " store(s) still to re-seal\n";
            return kDataErr;
        }
        std::cout << (a.check ? "every store is sealed with key " : "done: every store is sealed with key ") << newId
                  << "\n";
        return kOk;
    } catch (const std::exception& e) {
        std::cerr << "sac-rotate-key: stopped: " << e.what()
                  << "\n(stores re-sealed so far stay re-sealed; run the same command again to finish)\n";
        return kSoftware;
    }
}
