#include "sac/host/MainMenu.h"

#include <gtest/gtest.h>

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
