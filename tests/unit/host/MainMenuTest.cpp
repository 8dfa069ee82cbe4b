#include "sac/host/MainMenu.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace sac::host;

TEST(MainMenu, ShowsOnlySectionsWithVisibleEntriesInOrder) {
    MainMenu menu;
    menu.add({"sac", "Marketing", "SAC e pós-venda", "/sac/", "sac.view", {"admin", "seller"}});
    menu.add({"fin", "Financeiro", "Conciliação", "/fin/", "fin.admin", {"admin"}});
    menu.add({"x", "Outros", "Extra", "/x/", "", {}});

    auto admin = menu.visibleFor("admin");
    ASSERT_EQ(admin.size(), 3u);
    EXPECT_EQ(admin[0].name, "Financeiro");
    EXPECT_EQ(admin[1].name, "Marketing");
    EXPECT_EQ(admin[1].entries[0].label, "SAC e pós-venda");
    EXPECT_EQ(admin[2].name, "Outros");

    auto seller = menu.visibleFor("seller");
    ASSERT_EQ(seller.size(), 2u);
    EXPECT_EQ(seller[0].name, "Marketing");

    menu.removeModule("sac");
    EXPECT_EQ(menu.visibleFor("seller").size(), 1u);
    EXPECT_TRUE(MainMenu().visibleFor("admin").empty());
}

TEST(MainMenu, BadgesAreAskedForTheViewerOnceAndLeftOutWhenBroken) {
    MainMenu menu;
    int calls = 0;
    MenuViewer seen;
    MenuEntry counted{"sac", "Marketing", "SAC e pós-venda", "/sac/", "sac.view", {"admin", "seller"}};
    counted.badgeSource = [&](const MenuViewer& v) -> std::optional<MenuBadge> {
        ++calls;
        seen = v;
        if (v.accountId == 2) return std::nullopt;
        return MenuBadge{3, "3 disputas requerem ação"};
    };
    MenuEntry broken{"x", "Marketing", "Quebrado", "/x/", "", {}};
    broken.badgeSource = [](const MenuViewer&) -> std::optional<MenuBadge> { throw std::runtime_error("boom"); };
    MenuEntry negative{"y", "Marketing", "Negativo", "/y/", "", {}};
    negative.badgeSource = [](const MenuViewer&) -> std::optional<MenuBadge> { return MenuBadge{-1, "?"}; };
    MenuEntry plain{"z", "Vendas", "Pedidos", "/z/", "", {}};
    menu.add(counted);
    menu.add(broken);
    menu.add(negative);
    menu.add(plain);

    MenuViewer sel;
    sel.userId = 7;
    sel.accountId = 1;
    sel.role = "seller";
    sel.locale = "pt-BR";
    auto sections = menu.visibleFor(sel);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen.accountId, 1);
    EXPECT_EQ(seen.userId, 7);
    ASSERT_EQ(sections.size(), 2u);
    ASSERT_EQ(sections[1].name, "Marketing");
    ASSERT_EQ(sections[1].entries.size(), 3u);
    ASSERT_TRUE(sections[1].entries[0].badge);
    EXPECT_EQ(sections[1].entries[0].badge->count, 3);
    EXPECT_EQ(sections[1].entries[0].badge->text, "3 disputas requerem ação");
    EXPECT_FALSE(sections[1].entries[1].badge) << "a source that throws shows nothing";
    EXPECT_FALSE(sections[1].entries[2].badge) << "a negative count shows nothing";
    EXPECT_FALSE(sections[0].entries[0].badge);

    sel.accountId = 2;
    EXPECT_FALSE(menu.visibleFor(sel)[1].entries[0].badge);
    // An entry the role cannot see is not asked.
    MenuViewer guest;
    guest.role = "guest";
    calls = 0;
    menu.visibleFor(guest);
    EXPECT_EQ(calls, 0);
    // The role-only form asks nobody.
    menu.visibleFor("seller");
    EXPECT_EQ(calls, 0);
}
