// The case lists as CSV files: the disputes of the tab and the Lost & Found
// list, every row of their current filters, written page by page.
//
// Columns follow the list a seller sees, in the user's language; amounts are
// plain decimals (the dialect's decimal mark) beside their currency; every
// time is given twice, in the display zone and in UTC, as
// "YYYY-MM-DD HH:MM:SS" under a header naming the zone. Text from
// marketplaces and buyers goes through CsvWriter::text (valid UTF-8, quoted,
// formulas neutralised).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "storage/CaseRepository.h"
#include "web/Catalog.h"
#include "web/Csv.h"

namespace sac::web {

/// Which list a file holds.
enum class CaseCsvList { Disputes, LostAndFound };

/// How one file's rows read. Immutable; the names are the account's own.
struct CaseCsvFormat {
    CaseCsvList list = CaseCsvList::Disputes;
    const Catalog* catalog = nullptr;
    std::string locale = Catalog::kDefaultLocale;
    int offsetMinutes = -180;                      ///< the display zone
    std::map<std::int64_t, std::string> stores;    ///< store id → name
    std::map<std::int64_t, std::string> groups;    ///< group id → name

    /// Labels already looked up for this file, filled as rows are written
    /// (a file's rows repeat a few statuses, causes and kinds). One format
    /// per file; not to be shared between threads.
    struct Labels {
        std::map<domain::CaseStatus, std::string> statuses;
        std::map<domain::CaseKind, std::string> kinds;
        std::map<std::string, std::string, std::less<>> causes;
        std::map<std::string, std::string, std::less<>> fines;
        std::string yes, no;
    };
    mutable Labels labels;
};

/// The header row (column names in the format's locale).
void writeCaseCsvHeader(CsvWriter& out, const CaseCsvFormat& format);
/// One case as a row of the format's list.
void writeCaseCsvRow(CsvWriter& out, const CaseCsvFormat& format, const domain::Case& c);

/// What a walk did.
struct CaseCsvWalk {
    std::int64_t rows = 0;     ///< data rows written (the header not counted)
    bool complete = false;     ///< every matching case was written and the sink took it all
};

/// Writes the header and every case matching filter (its cursor and limit
/// are ignored) in the filter's order: one keyset page of pageRows at a time
/// (the export's columns, storage::CaseColumns::Export), each read on a
/// connection acquired for that page alone and given back before the page's
/// bytes go to sink, so that a slow client never holds a connection. The next
/// page is read on a second thread while one is written (decision 0039), with
/// the calling thread's wait for a connection; one connection at a time still.
/// sink returns false to stop (the client went away; the page being read is
/// waited for). Memory stays at two pages whatever the number of rows. Throws
/// what the database throws.
CaseCsvWalk writeCaseCsv(sql::Database& db, storage::CaseFilter filter, const CaseCsvFormat& format, CsvWriter& out,
                         const std::function<bool(std::string_view)>& sink, int pageRows = 1000);

} // namespace sac::web
