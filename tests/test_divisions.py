"""The bundled division table and its loader."""
import divisions


def test_counts_and_lookups():
    table = divisions.table()
    assert len(table.provinces()) == 31
    assert len(table.counties()) == 2978
    assert table.get("331102").name == "莲都区"
    assert table.get("3311").name == "丽水市"
    assert table.get("33").name == "浙江省"
    assert table.get("999999") is None


def test_full_names_skip_municipality_placeholders():
    table = divisions.table()
    assert table.full_name("331102") == "浙江省丽水市莲都区"
    assert table.full_name("110108") == "北京市海淀区"
    assert table.full_name("652829") == "新疆维吾尔自治区巴音郭楞蒙古自治州博湖县"


def test_children_form_a_tree():
    table = divisions.table()
    cities = table.children_of("33")
    assert "丽水市" in [c.name for c in cities]
    counties = table.children_of("331100")
    assert [c.code for c in counties][:2] == ["331102", "331121"]
    assert all(c.parent == "331100" for c in counties)


def test_loader_reads_any_directory(tmp_path):
    (tmp_path / "provinces.csv").write_text('code,name\n33,"浙江省"\n', encoding="utf-8")
    (tmp_path / "cities.csv").write_text('code,name,provinceCode\n3311,"丽水市",33\n', encoding="utf-8")
    (tmp_path / "areas.csv").write_text('code,name,cityCode,provinceCode\n331102,"莲都区",3311,33\n',
                                        encoding="utf-8")
    table = divisions.load(str(tmp_path))
    assert table.full_name("331102") == "浙江省丽水市莲都区"
    assert table.get("331102").level == "county"
