#include "services/CredentialRotation.h"

#include <openssl/crypto.h>

#include <stdexcept>

#include "services/CredentialVault.h"
#include "services/StoreCredentials.h"
#include "storage/SqlHelpers.h"

namespace sac::services {
namespace {

using storage::detail::bindInt;

constexpr const char* kListStores = "SELECT id, account_id FROM stores ORDER BY id";
constexpr const char* kReadSealed = "SELECT credentials_enc FROM stores WHERE id = ? AND account_id = ?";
constexpr const char* kWriteSealed =
    "UPDATE stores SET credentials_enc = ? WHERE id = ? AND account_id = ? AND credentials_enc = ?";
constexpr int kAttempts = 5;

enum class Outcome { Empty, Current, Resealed, Unreadable, Changed };

/// Wipes a string holding a secret before it is freed.
struct Wiped {
    std::string text;
    ~Wiped() {
        if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
    }
};

std::string label(std::int64_t storeId, std::int64_t accountId) {
    return "store " + std::to_string(storeId) + " (account " + std::to_string(accountId) + ")";
}

} // namespace

RotationReport rotateCredentials(sql::Database& db, const std::vector<unsigned char>& newKey,
                                 const std::vector<std::vector<unsigned char>>& oldKeys,
                                 const RotationOptions& options) {
    CredentialVault reader(newKey); // seals with the new key, opens with any key
    for (const auto& k : oldKeys) reader.addOpeningKey(k);
    const CredentialVault verifier(newKey);
    const std::string readSql =
        std::string(kReadSealed) + (db.dialect() == sql::Dialect::MySQL ? " FOR UPDATE" : "");
    const auto say = [&](const std::string& line) {
        if (options.progress) options.progress(line);
    };

    RotationReport report;
    auto conn = db.acquire();
    std::vector<std::pair<std::int64_t, std::int64_t>> stores;
    for (const auto& row : conn->query(kListStores)) stores.emplace_back(row.getInt(0), row.getInt(1));

    for (const auto& [storeId, accountId] : stores) {
        ++report.stores;
        const SealScope scope = StoreCredentials::scopeOf(accountId, storeId);
        Outcome outcome = Outcome::Changed;
        std::string from; // "v1" or "key <id>"
        for (int attempt = 0; attempt < kAttempts && outcome == Outcome::Changed; ++attempt) {
            std::optional<sql::Transaction> tx;
            if (!options.checkOnly) tx.emplace(*conn);
            auto row = conn->queryOne(readSql, {bindInt(storeId), bindInt(accountId)});
            const std::string sealed = !row || row->isNull(0) ? std::string() : row->getString(0);
            if (sealed.empty()) { // nothing sealed, or the store was removed meanwhile
                outcome = Outcome::Empty;
                break;
            }
            if (verifier.sealedWithCurrentKey(sealed)) {
                Wiped current{verifier.open(sealed, scope).value_or(std::string())};
                outcome = current.text.empty() ? Outcome::Unreadable : Outcome::Current;
                break;
            }
            std::optional<std::string> opened = reader.open(sealed, scope);
            if (!opened) {
                outcome = Outcome::Unreadable;
                break;
            }
            Wiped plain{std::move(*opened)};
            const std::string oldId = CredentialVault::keyIdOfSealed(sealed).value_or(std::string());
            from = oldId.empty() ? std::string("v1") : "key " + oldId;
            if (options.checkOnly) {
                outcome = Outcome::Resealed;
                break;
            }
            const std::string resealed = verifier.seal(plain.text, scope);
            Wiped check{verifier.open(resealed, scope).value_or(std::string())};
            if (!verifier.sealedWithCurrentKey(resealed) || check.text != plain.text)
                throw std::runtime_error(label(storeId, accountId) +
                                         ": the value sealed with the new key does not open with it");
            if (conn->execute(kWriteSealed, {resealed, bindInt(storeId), bindInt(accountId), sealed}) != 1)
                continue; // written by someone else meanwhile: read it again
            if (options.beforeCommit) options.beforeCommit(storeId);
            tx->commit();
            outcome = Outcome::Resealed;
        }
        switch (outcome) {
        case Outcome::Empty: ++report.empty; break;
        case Outcome::Current: ++report.alreadyCurrent; break;
        case Outcome::Resealed:
            ++report.resealed;
            if (from == "v1") ++report.upgradedV1;
            say(label(storeId, accountId) + (options.checkOnly ? ": to re-seal, now " : ": re-sealed, was ") + from +
                ", now key " + verifier.keyId());
            break;
        case Outcome::Unreadable:
            report.unreadable.push_back(storeId);
            say(label(storeId, accountId) + ": cannot be opened with the given keys; left as it is");
            break;
        case Outcome::Changed:
            throw std::runtime_error(label(storeId, accountId) +
                                     ": its credentials kept changing during the rotation; run it again");
        }
    }
    return report;
}

} // namespace sac::services
