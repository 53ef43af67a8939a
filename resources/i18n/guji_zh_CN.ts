<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AcceptanceTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="20" />
        <source>No.</source>
        <translation>次</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="31" />
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="20" />
        <source>Quality grade</source>
        <translation>质量等级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="20" />
        <source>Comments</source>
        <translation>验收意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="21" />
        <source>Signed by</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="21" />
        <source>Signed at</source>
        <translation>签署时间</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="21" />
        <source>Voided</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="28" />
        <source>comments</source>
        <translation>验收意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/acceptance.py" line="29" />
        <source>Accept and sign</source>
        <translation>验收并签名</translation>
    </message>
</context><context>
    <name>AdminPage</name>
    <message>
        <location filename="../../guji/gui/pages.py" line="86" />
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="91" />
        <source>Institutions</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="93" />
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="99" />
        <location filename="../../guji/gui/pages.py" line="93" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="93" />
        <source>Provincial centre</source>
        <translation>省中心</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="97" />
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="99" />
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="99" />
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="99" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="99" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="104" />
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="123" />
        <source>(centre)</source>
        <translation>（中心）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="123" />
        <source>active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="123" />
        <source>disabled</source>
        <translation>停用</translation>
    </message>
</context><context>
    <name>BatchDialog</name>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="41" />
        <source>Batch processing of scans</source>
        <translation>扫描图像批量处理</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="49" />
        <source>Scans (files or folders):</source>
        <translation>扫描图像（文件或文件夹）：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="54" />
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="56" />
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="58" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="66" />
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="70" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="76" />
        <source>Deskew</source>
        <translation>纠偏</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="77" />
        <source>Crop to the page</source>
        <translation>裁切到书页</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="78" />
        <source>Split uncut leaves at the 版心</source>
        <translation>筒子页按版心拆分</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="93" />
        <source>Problems:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="100" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="103" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="107" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="127" />
        <source>Choose scans</source>
        <translation>选择扫描图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="128" />
        <source>Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)</source>
        <translation>图像 (*.tif *.tiff *.jpg *.jpeg *.png);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="132" />
        <source>Choose a folder of scans</source>
        <translation>选择扫描图像文件夹</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="137" />
        <source>Choose the output folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="158" />
        <source>Add scans first.</source>
        <translation>请先添加扫描图像。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="161" />
        <source>Choose an output folder first.</source>
        <translation>请先选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="167" />
        <source>Processing %1 file(s)…</source>
        <translation>正在处理 %1 个文件…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="186" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="210" />
        <source>Cancelled: %1 done, %2 failed. Report: %3</source>
        <translation>已取消：完成 %1 个，失败 %2 个。报告：%3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="211" />
        <source>Finished: %1 done, %2 failed. Report: %3</source>
        <translation>已完成：成功 %1 个，失败 %2 个。报告：%3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/batch.py" line="218" />
        <source>The batch stopped: %1</source>
        <translation>批处理中止：%1</translation>
    </message>
</context><context>
    <name>CatalogueTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="54" />
        <source>Authors by row</source>
        <translation>著者分項</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="59" />
        <source>Dating</source>
        <translation>纪年解析</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="87" />
        <source>Dynasty</source>
        <translation>朝代</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="87" />
        <source>Name</source>
        <translation>著者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="87" />
        <source>Mode</source>
        <translation>著作方式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="98" />
        <source>Add author</source>
        <translation>添加著者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="99" />
        <source>Remove author</source>
        <translation>删除著者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="185" />
        <source>cannot date: %1</source>
        <translation>无法解析纪年：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/catalogue.py" line="189" />
        <source>ambiguous: %1</source>
        <translation>有歧义：%1</translation>
    </message>
</context><context>
    <name>CensusPage</name>
    <message>
        <location filename="../../guji/gui/census/page.py" line="54" />
        <source>Census register</source>
        <translation>普查登记</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="71" />
        <source>New record</source>
        <translation>新建记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="72" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="73" />
        <source>Check out / in…</source>
        <translation>出入库…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="74" />
        <source>Submit for review</source>
        <translation>提交审核</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="75" />
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="76" />
        <source>Return for correction…</source>
        <translation>返修…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="78" />
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="142" />
        <location filename="../../guji/gui/census/importer.py" line="108" />
        <location filename="../../guji/gui/census/page.py" line="79" />
        <source>Import Excel…</source>
        <translation>导入 Excel…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="96" />
        <source>Search title, author, edition, census or call number…</source>
        <translation>检索题名、著者、版本、普查编号或索书号…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="116" />
        <location filename="../../guji/gui/census/page.py" line="106" />
        <source>Dynasty</source>
        <translation>朝代</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="116" />
        <location filename="../../guji/gui/census/page.py" line="108" />
        <source>Edition type</source>
        <translation>版本类型</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="117" />
        <location filename="../../guji/gui/census/page.py" line="110" />
        <source>Grade</source>
        <translation>定级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="117" />
        <location filename="../../guji/gui/census/page.py" line="111" />
        <source>Damage</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="142" />
        <location filename="../../guji/gui/census/page.py" line="118" />
        <location filename="../../guji/gui/census/page.py" line="113" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="141" />
        <location filename="../../guji/gui/census/page.py" line="119" />
        <location filename="../../guji/gui/census/page.py" line="114" />
        <source>Review state</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="122" />
        <source>Years</source>
        <translation>年代</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="128" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="138" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="138" />
        <source>Call number</source>
        <translation>索书号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="139" />
        <source>Title and juan</source>
        <translation>题名卷数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="139" />
        <source>Author</source>
        <translation>著者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="140" />
        <source>Edition</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="140" />
        <source>Volumes</source>
        <translation>册数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="141" />
        <source>Extant juan</source>
        <translation>存缺卷数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="167" />
        <source>Register</source>
        <translation>登记表</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="176" />
        <source>Review queue</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="179" />
        <source>Vault</source>
        <translation>出入库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="346" />
        <location filename="../../guji/gui/census/page.py" line="212" />
        <source>(any)</source>
        <translation>（全部）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="260" />
        <source>searching…</source>
        <translation>正在检索…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="280" />
        <location filename="../../guji/gui/census/page.py" line="267" />
        <source>%1 records</source>
        <translation>%1 条记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="269" />
        <source>more than %1 records, counting…</source>
        <translation>超过 %1 条记录，正在计数…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="374" />
        <source>Select a record first.</source>
        <translation>请先选择一条记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="87" />
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="87" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="140" />
        <source>Only census staff of an institution import registers.</source>
        <translation>只有收藏单位的著录员可以导入登记表。</translation>
    </message>
</context><context>
    <name>ConditionTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="38" />
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="61" />
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="38" />
        <source>Damage</source>
        <translation>破损类型</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="61" />
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="38" />
        <source>Extent</source>
        <translation>程度</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="38" />
        <source>Metric</source>
        <translation>计量</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="50" />
        <source>reason, when overriding the suggestion</source>
        <translation>与建议不同时说明理由</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="51" />
        <source>Confirm damage grade</source>
        <translation>确认破损级别</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="53" />
        <source>Damage grade</source>
        <translation>破损级别</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="58" />
        <source>New assessment</source>
        <translation>新增评估</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="63" />
        <source>damage type (e.g. 虫蛀) and extent: % of area, count, or pH</source>
        <translation>破损类型（如 虫蛀）与程度：面积百分比、处数或 pH</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="76" />
        <source>colorimeter</source>
        <translation>色差计</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="77" />
        <source>scan</source>
        <translation>扫描图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="81" />
        <source>Volume</source>
        <translation>册</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="82" />
        <source>Leaves</source>
        <translation>叶数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="83" />
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="84" />
        <source>Fibres</source>
        <translation>纤维</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="86" />
        <source>Measured by</source>
        <translation>测色方式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="87" />
        <source>Illuminant</source>
        <translation>光源/观察者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="88" />
        <source>Save assessment</source>
        <translation>保存评估</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="143" />
        <source>count</source>
        <translation>处</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="148" />
        <source>No paper colour recorded</source>
        <translation>未记录原纸颜色</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="150" />
        <source>Suggested: %1</source>
        <translation>建议级别：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/condition.py" line="151" />
        <source>No assessment yet</source>
        <translation>尚未评估</translation>
    </message>
</context><context>
    <name>DyeGrid</name>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="145" />
        <source>Dye</source>
        <translation>染料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="145" />
        <source>Amount</source>
        <translation>用量</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="145" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="157" />
        <source>Tab or Enter moves to the next cell; typing in the last row adds a row</source>
        <translation>Tab 或回车移到下一格；在最后一行输入时自动添加新行</translation>
    </message>
</context><context>
    <name>DyeingTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/dyeing.py" line="50" />
        <source>Recipe</source>
        <translation>配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/dyeing.py" line="52" />
        <source>New recipe…</source>
        <translation>新建配方…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/dyeing.py" line="76" />
        <source>Record trial</source>
        <translation>记录试样</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/dyeing.py" line="129" />
        <source>No recipe</source>
        <translation>无配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/dyeing.py" line="134" />
        <source>base paper</source>
        <translation>底纸</translation>
    </message>
</context><context>
    <name>ExportPage</name>
    <message>
        <location filename="../../guji/gui/export/page.py" line="98" />
        <location filename="../../guji/gui/export/page.py" line="73" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="80" />
        <source>Export records</source>
        <translation>导出记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="84" />
        <source>What and which records</source>
        <translation>导出内容与范围</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="96" />
        <source>Not available in this build (%1 is missing)</source>
        <translation>此版本不提供（缺少 %1）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="101" />
        <source>All institutions I may see</source>
        <translation>我可查看的全部单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="102" />
        <source>Holding institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="105" />
        <source>Any review state</source>
        <translation>任意审核状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="108" />
        <source>Review state</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="111" />
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="115" />
        <source>File to write</source>
        <translation>要写入的文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="125" />
        <location filename="../../guji/gui/export/page.py" line="116" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="121" />
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="124" />
        <source>Folder of images named by census number (210000-0101-0000001.jpg)</source>
        <translation>按普查编号命名的书影文件夹（210000-0101-0000001.jpg）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="130" />
        <source>Images (書影)</source>
        <translation>书影</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="138" />
        <source>Image print resolution</source>
        <translation>书影印刷分辨率</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="143" />
        <source>Start export</source>
        <translation>开始导出</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="146" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="167" />
        <source>Warnings of the last export appear here.</source>
        <translation>上次导出的警告显示在这里。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="223" />
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="229" />
        <source>Folder of images</source>
        <translation>书影文件夹</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="260" />
        <source>Choose the output file first.</source>
        <translation>请先选择输出文件。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="291" />
        <location filename="../../guji/gui/export/page.py" line="267" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="286" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="299" />
        <source>(with warnings, see below)</source>
        <translation>（有警告，见下方）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="304" />
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入文件。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/export/page.py" line="306" />
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context><context>
    <name>FieldTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/fields.py" line="163" />
        <source>not in list</source>
        <translation>不在词表中</translation>
    </message>
</context><context>
    <name>FormatTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/format.py" line="19" />
        <source>half-leaf frame (半框)</source>
        <translation>半框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/format.py" line="20" />
        <source>whole-leaf frame</source>
        <translation>全框</translation>
    </message>
</context><context>
    <name>GradingTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="23" />
        <source>Confirmed grade</source>
        <translation>已确认定级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="27" />
        <source>Suggested</source>
        <translation>建议定级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="31" />
        <source>Confirm grade</source>
        <translation>确认定级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="38" />
        <source>Grade to confirm</source>
        <translation>待确认定级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="49" />
        <source>(not confirmed)</source>
        <translation>（未确认）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="58" />
        <source>(save the record to see a suggestion)</source>
        <translation>（保存记录后显示建议）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="63" />
        <source>choose one of: %1</source>
        <translation>请从中选择：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="67" />
        <source>(uses a rule that is not confirmed by the standard: check it)</source>
        <translation>（所用规则未经标准确认，请核对）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/grading.py" line="68" />
        <source>A suggestion only: confirm the grade to store it.</source>
        <translation>仅为建议：确认后才保存定级。</translation>
    </message>
</context><context>
    <name>HistoryTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="47" />
        <source>Review rounds</source>
        <translation>审核轮次</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="50" />
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="55" />
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="50" />
        <source>By</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="55" />
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="50" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="55" />
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="50" />
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="52" />
        <source>Change history</source>
        <translation>修改历史</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="55" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="69" />
        <source>comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="71" />
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/history.py" line="106" />
        <source>Entry %1: %2 by %3 at %4</source>
        <translation>记录 %1：%3 于 %4 %2</translation>
    </message>
</context><context>
    <name>HoursChart</name>
    <message>
        <location filename="../../guji/gui/restoration/charts.py" line="116" />
        <source>Hours per month</source>
        <translation>每月工时</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/charts.py" line="119" />
        <source>No sessions yet</source>
        <translation>尚无修复记录</translation>
    </message>
</context><context>
    <name>ImagesTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/images.py" line="19" />
        <source>Page images of this record (书影) appear here once imaging is connected.</source>
        <translation>本记录的书影将在影像功能接入后显示于此。</translation>
    </message>
</context><context>
    <name>ImagingPage</name>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="108" />
        <source>Imaging</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="149" />
        <source>Census record</source>
        <translation>普查记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="154" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="157" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="161" />
        <source>Record selected in the register</source>
        <translation>登记表中选中的记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="164" />
        <source>No record chosen.</source>
        <translation>尚未选择记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="168" />
        <source>Images of the record (书影):</source>
        <translation>本记录的书影：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="181" />
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="185" />
        <source>Add images…</source>
        <translation>添加图像…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="188" />
        <source>Save role/caption</source>
        <translation>保存类别/说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="190" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="191" />
        <source>Remove the image from this record (the stored scan is kept)</source>
        <translation>从本记录移除此图像（图像库中的原始扫描保留）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="198" />
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="200" />
        <source>Open a scan file…</source>
        <translation>打开扫描文件…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="203" />
        <source>Batch processing…</source>
        <translation>批量处理…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="217" />
        <source>Zoom in (+ or the mouse wheel)</source>
        <translation>放大（+ 或鼠标滚轮）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="218" />
        <source>Zoom out (-)</source>
        <translation>缩小（-）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="219" />
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="219" />
        <source>Fit the page in the window (0)</source>
        <translation>整页适合窗口（0）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="220" />
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="220" />
        <source>Actual pixels</source>
        <translation>实际像素</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="221" />
        <source>Rotate 90°</source>
        <translation>旋转 90°</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="221" />
        <source>Turn the view by 90° (R); the image is not changed</source>
        <translation>视图旋转 90°（R）；图像本身不改变</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="230" />
        <source>Page box</source>
        <translation>页面框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="230" />
        <source>Frame</source>
        <translation>版框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="230" />
        <source>Split line</source>
        <translation>版心线</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="231" />
        <source>Column lines</source>
        <translation>行线</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="231" />
        <source>Damage</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="243" />
        <source>Choose a record's image or open a scan file.</source>
        <translation>请选择记录的图像，或打开扫描文件。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="249" />
        <source>Resolution:</source>
        <translation>分辨率：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="255" />
        <source>from the file</source>
        <translation>取自文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="256" />
        <source>The scanning resolution, for scans whose file does not say it (or says it wrongly); the frame size in cm depends on it</source>
        <translation>扫描分辨率：用于文件中未注明（或注明有误）的扫描图像；版框厘米尺寸依此换算</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="260" />
        <source>Apply measured frame size to the record</source>
        <translation>将测得的版框尺寸填入记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="310" />
        <source>Select a record in the census register first.</source>
        <translation>请先在普查登记表中选择一条记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="331" />
        <source>not recorded</source>
        <translation>未著录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="333" />
        <source>Frame (版框): %1</source>
        <translation>版框：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="334" />
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="390" />
        <source>Choose a record first.</source>
        <translation>请先选择记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="392" />
        <source>Add images to the record</source>
        <translation>为记录添加图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="445" />
        <location filename="../../guji/gui/imaging/page.py" line="393" />
        <source>Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)</source>
        <translation>图像 (*.tif *.tiff *.jpg *.jpeg *.png);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="444" />
        <source>Open a scan</source>
        <translation>打开扫描图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="459" />
        <source>Loading %1…</source>
        <translation>正在载入 %1…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="480" />
        <source>Cannot show this image: %1</source>
        <translation>无法显示此图像：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="490" />
        <source>The analysis failed: %1</source>
        <translation>分析失败：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="526" />
        <source>Not in this analysis</source>
        <translation>本次分析中没有此项</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="532" />
        <source>no resolution in the file</source>
        <translation>文件中无分辨率</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="533" />
        <source>skew %1°</source>
        <translation>倾斜 %1°</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="538" />
        <source>frame %1 × %2 cm</source>
        <translation>版框 %1 × %2 厘米</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="542" />
        <source>frame %1 × %2 px</source>
        <translation>版框 %1 × %2 像素</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="544" />
        <source>no frame found</source>
        <translation>未找到版框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="546" />
        <source>uncut leaf, 版心 at x = %1</source>
        <translation>筒子页，版心位于 x = %1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="548" />
        <source>%1 lines per half-leaf</source>
        <translation>半叶 %1 行</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="549" />
        <source>damage %1%</source>
        <translation>破损 %1%</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="560" />
        <source>Show an image of a census record first</source>
        <translation>请先显示某条普查记录的图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="569" />
        <source>%1: frame %2 × %3 cm written</source>
        <translation>%1：已写入版框 %2 × %3 厘米</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="572" />
        <source> (half-leaf, 半框)</source>
        <translation>（半框）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="574" />
        <source>; lines per half-leaf %1</source>
        <translation>；半叶行数 %1</translation>
    </message>
</context><context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="124" />
        <source>Import Excel…</source>
        <translation>导入 Excel…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="126" />
        <source>Rows are checked with the editor's rules; with any error nothing is written, and the problems are listed by row.</source>
        <translation>按著录规则逐行检查；有任何错误则不写入，问题按行列出。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="128" />
        <source>Trial run (check only, write nothing)</source>
        <translation>试运行（只检查，不写入）</translation>
    </message>
</context><context>
    <name>LinksTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/links.py" line="24" />
        <location filename="../../guji/gui/census/editor_tabs/links.py" line="21" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/links.py" line="27" />
        <source>Parts (子目) of this collectanea</source>
        <translation>本丛书的子目</translation>
    </message>
</context><context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../guji/gui/login.py" line="30" />
        <source>Sign in to guji</source>
        <translation>登录 guji 古籍保护平台</translation>
    </message>
    <message>
        <location filename="../../guji/gui/login.py" line="32" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/login.py" line="39" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../guji/gui/login.py" line="40" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="42" />
        <source>guji — ancient books census, restoration and imaging</source>
        <translation>guji 古籍普查·修复·影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="68" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="71" />
        <source>User: %1 (%2) %3</source>
        <translation>用户：%1（%2）%3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="72" />
        <source>provincial centre</source>
        <translation>省古籍保护中心</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="78" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context><context>
    <name>MaterialsTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="37" />
        <source>Name</source>
        <translation>著者</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="37" />
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="37" />
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="37" />
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="38" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="59" />
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="38" />
        <source>Low stock at</source>
        <translation>低库存线</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="38" />
        <source>Location</source>
        <translation>存放位置</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="48" />
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="50" />
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="61" />
        <source>Add material</source>
        <translation>添加材料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="64" />
        <source>Receipt…</source>
        <translation>入库…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="80" />
        <source>Receipt</source>
        <translation>材料入库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="80" />
        <source>Quantity received:</source>
        <translation>入库数量：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/materials.py" line="94" />
        <source>Used in this job: </source>
        <translation>本档案用料：</translation>
    </message>
</context><context>
    <name>MovementDialog</name>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="73" />
        <source>Vault movements</source>
        <translation>出入库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="107" />
        <location filename="../../guji/gui/census/vault.py" line="83" />
        <source>Check out</source>
        <translation>出库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="91" />
        <source>due</source>
        <translation>应还</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <location filename="../../guji/gui/census/vault.py" line="102" />
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <location filename="../../guji/gui/census/vault.py" line="103" />
        <source>To whom</source>
        <translation>交给</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="124" />
        <location filename="../../guji/gui/census/vault.py" line="104" />
        <source>Due date</source>
        <translation>应还日期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <location filename="../../guji/gui/census/vault.py" line="105" />
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="124" />
        <location filename="../../guji/gui/census/vault.py" line="106" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="116" />
        <location filename="../../guji/gui/census/vault.py" line="112" />
        <source>Check in</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="115" />
        <source>Note on return (condition…)</source>
        <translation>归还备注（品相等）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="122" />
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <source>Out</source>
        <translation>出库时间</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="124" />
        <source>Back</source>
        <translation>归还</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="127" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context><context>
    <name>OverviewTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="45" />
        <source>Submit plan</source>
        <translation>提交方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="45" />
        <source>Approve plan</source>
        <translation>批准方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="46" />
        <source>Start treatment</source>
        <translation>开始修复</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="47" />
        <source>Submit for acceptance</source>
        <translation>提交验收</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="48" />
        <source>Send back…</source>
        <translation>退回…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="48" />
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="49" />
        <source>Return to vault</source>
        <translation>归还入库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="55" />
        <source>Report PDF…</source>
        <translation>档案 PDF…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="67" />
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="67" />
        <source>Why?</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="77" />
        <source>Save archive PDF</source>
        <translation>保存修复档案 PDF</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="86" />
        <source>suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="88" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="88" />
        <source>Title</source>
        <translation>题名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="89" />
        <source>Edition</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="89" />
        <source>Volumes</source>
        <translation>册数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="90" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="90" />
        <source>Requester</source>
        <translation>送修</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="91" />
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="91" />
        <source>Restorers</source>
        <translation>修复人员</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="92" />
        <source>Reviewer</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="93" />
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="94" />
        <source>Opened</source>
        <translation>开档日期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="94" />
        <source>Damage grade</source>
        <translation>破损级别</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/overview.py" line="100" />
        <source>Progress: %1 of %2 leaves, %3 h</source>
        <translation>进度：已修 %1 / %2 叶，%3 小时</translation>
    </message>
</context><context>
    <name>PhChart</name>
    <message>
        <location filename="../../guji/gui/restoration/charts.py" line="75" />
        <source>Before</source>
        <translation>修复前</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/charts.py" line="77" />
        <source>After</source>
        <translation>修复后</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/charts.py" line="81" />
        <source>No pH comparison yet</source>
        <translation>尚无修复前后 pH 对比</translation>
    </message>
</context><context>
    <name>PhGrid</name>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="49" />
        <source>Leaf</source>
        <translation>叶</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="49" />
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="49" />
        <source>pH</source>
        <translation>pH</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="121" />
        <source>acidic (below %1)</source>
        <translation>酸性（低于 %1）</translation>
    </message>
</context><context>
    <name>PhTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="34" />
        <source>Set</source>
        <translation>测定</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="34" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="34" />
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="34" />
        <source>Min</source>
        <translation>最小</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="34" />
        <source>Max</source>
        <translation>最大</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="35" />
        <source>Acidic</source>
        <translation>酸性点</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="41" />
        <source>New pH set</source>
        <translation>新增 pH 测定</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="51" />
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="52" />
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="53" />
        <source>Instrument</source>
        <translation>仪器</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/ph.py" line="63" />
        <source>Save pH set</source>
        <translation>保存 pH 测定</translation>
    </message>
</context><context>
    <name>PhotoGrid</name>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="171" />
        <source>Before</source>
        <translation>修复前</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="171" />
        <source>During</source>
        <translation>修复中</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="171" />
        <source>After</source>
        <translation>修复后</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="174" />
        <source>Leaf %1</source>
        <translation>叶 %1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="174" />
        <source>No leaf</source>
        <translation>未注明叶</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="193" />
        <source>not in the image store</source>
        <translation>图像库中没有此图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="203" />
        <source>(image cannot be shown)</source>
        <translation>（图像无法显示）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="205" />
        <source>loading…</source>
        <translation>正在载入…</translation>
    </message>
</context><context>
    <name>PhotoViewerDialog</name>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="245" />
        <source>loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="257" />
        <source>The image store has no file for this photograph.</source>
        <translation>图像库中没有这张照片的文件。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="266" />
        <source>The image cannot be shown: %1</source>
        <translation>图像无法显示：%1</translation>
    </message>
</context><context>
    <name>PhotosPanel</name>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="308" />
        <source>e.g. 3 or 卷一 3</source>
        <translation>如 3 或 卷一 3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="311" />
        <source>caption, e.g. 虫蛀、书脑残缺</source>
        <translation>说明，如 虫蛀、书脑残缺</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="312" />
        <source>Add photo…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="490" />
        <location filename="../../guji/gui/restoration/photos.py" line="315" />
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="490" />
        <location filename="../../guji/gui/restoration/photos.py" line="315" />
        <source>Leaf</source>
        <translation>叶</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="491" />
        <location filename="../../guji/gui/restoration/photos.py" line="316" />
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="377" />
        <location filename="../../guji/gui/restoration/photos.py" line="339" />
        <source>Select a job</source>
        <translation>请选择修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="353" />
        <source>%1 photographs: %2 before, %3 during, %4 after. Double-click a photograph to see it larger.</source>
        <translation>共 %1 张照片：修复前 %2 张，修复中 %3 张，修复后 %4 张。双击照片可放大查看。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="356" />
        <source>No photographs yet. Add the before, during and after photographs of each leaf; they are kept in the image store.</source>
        <translation>尚无照片。请添加各叶修复前、修复中、修复后的照片；照片保存在图像库中。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="367" />
        <source>Only restorers may add photographs.</source>
        <translation>只有修复师可以添加照片。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="369" />
        <source>The job belongs to another institution.</source>
        <translation>此修复任务属于其他单位。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="371" />
        <source>You are not assigned to this job.</source>
        <translation>您未被分派到此修复任务。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="373" />
        <source>The job was accepted and is locked; a reviewer must reopen it first.</source>
        <translation>此修复任务已验收并锁定；须由审核员重新打开后才能添加。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="379" />
        <source>Add image files (TIFF, JPEG, PNG) as photographs at the stage and leaf given</source>
        <translation>将图像文件（TIFF、JPEG、PNG）按所填阶段和叶添加为照片</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="422" />
        <source>Add photographs</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="423" />
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="454" />
        <source>Adding…</source>
        <translation>正在添加…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="466" />
        <source>Added %1 photograph(s).</source>
        <translation>已添加 %1 张照片。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="472" />
        <source>Nothing was added.</source>
        <translation>未添加任何照片。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="490" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="495" />
        <source>Not permitted: %1</source>
        <translation>无权操作：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/photos.py" line="497" />
        <source>Refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
</context><context>
    <name>PlanTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="38" />
        <source>Edit plan</source>
        <translation>编辑方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="85" />
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="54" />
        <source>Estimated hours</source>
        <translation>预计工时</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="86" />
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="55" />
        <source>Planned leaves</source>
        <translation>计划叶数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="56" />
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="57" />
        <source>Save plan</source>
        <translation>保存方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="76" />
        <source>No plan yet</source>
        <translation>尚未制定方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="82" />
        <source>not yet</source>
        <translation>尚未批准</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="84" />
        <source>Operations</source>
        <translation>工序</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="84" />
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/plan.py" line="87" />
        <source>Approved</source>
        <translation>批准</translation>
    </message>
</context><context>
    <name>RecipeDialog</name>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="275" />
        <source>New dye recipe</source>
        <translation>新建染纸配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="285" />
        <source>e.g. 紅茶染竹紙</source>
        <translation>如：紅茶染竹紙</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="396" />
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="288" />
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="293" />
        <source>e.g. 明礬 (alum)</source>
        <translation>如：明礬</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="295" />
        <source>e.g. 60</source>
        <translation>如 60</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="297" />
        <source>e.g. 3</source>
        <translation>如 3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="299" />
        <source>e.g. 15</source>
        <translation>如 15</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="301" />
        <source>e.g. 陰乾</source>
        <translation>如：陰乾</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="305" />
        <source>Made for job %1</source>
        <translation>用于修复任务 %1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="310" />
        <source>the job is accepted and locked</source>
        <translation>该任务已验收并锁定</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="326" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="327" />
        <source>Base paper</source>
        <translation>底纸</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="333" />
        <source>Add row</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="335" />
        <source>Remove row</source>
        <translation>删除一行</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="341" />
        <source>Dyes</source>
        <translation>染料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="343" />
        <source>Mordant</source>
        <translation>媒染剂</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="344" />
        <source>Bath temperature (°C)</source>
        <translation>染液温度（°C）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="345" />
        <source>Dips</source>
        <translation>浸染次数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="346" />
        <source>Minutes</source>
        <translation>时长（分钟）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="347" />
        <source>Drying</source>
        <translation>干燥方式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="348" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="358" />
        <source>Ctrl+Enter saves</source>
        <translation>Ctrl+回车 保存</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="362" />
        <source>Save recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="364" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="389" />
        <source>Inventory not loaded: %1</source>
        <translation>未能读取库存：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="455" />
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="480" />
        <source>Row %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="487" />
        <source>Not saved: correct the marked fields.</source>
        <translation>未保存：请更正标出的项目。</translation>
    </message>
</context><context>
    <name>RecipeLibraryPanel</name>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="534" />
        <source>Recipe library</source>
        <translation>配方库</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="541" />
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="555" />
        <source>Original paper</source>
        <translation>原纸颜色</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="556" />
        <source>the original paper colour of the job's latest assessment</source>
        <translation>本任务最近一次评估所测的原纸颜色</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="559" />
        <source>Rank</source>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="569" />
        <source>Sample</source>
        <translation>样张</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="569" />
        <source>Recipe</source>
        <translation>配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="569" />
        <source>Result</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="570" />
        <source>Dyes</source>
        <translation>染料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="580" />
        <source>ΔL* &gt; 0: lighter than the target. Recipes within %1 ΔE00 of each other count as equally close, and the lighter goes first (宁浅勿深). Double-click opens the recipe.</source>
        <translation>ΔL* &gt; 0：比目标浅。ΔE00 相差不到 %1 的配方视为同样接近，较浅的排在前面（宁浅勿深）。双击打开配方。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="587" />
        <source>Open recipe</source>
        <translation>打开配方</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="617" />
        <source>No original paper colour in the assessment: enter the target L*a*b* and rank.</source>
        <translation>评估中没有原纸颜色：请输入目标 L*a*b* 后排序。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="642" />
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="642" />
        <source>fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="644" />
        <source>darker than target</source>
        <translation>比目标深</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="663" />
        <source>%1 recipes with an accepted trial, closest first</source>
        <translation>%1 个配方有已采用的试样，最接近的在前</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/recipe_dialog.py" line="666" />
        <source>No recipe of the library has an accepted trial yet.</source>
        <translation>配方库中尚无已采用试样的配方。</translation>
    </message>
</context><context>
    <name>RecordEditor</name>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="165" />
        <source>Census record</source>
        <translation>普查记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="182" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="195" />
        <source>Seal text</source>
        <translation>印文</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="195" />
        <source>Owner</source>
        <translation>印主</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="195" />
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="198" />
        <source>By</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="198" />
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="198" />
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="206" />
        <source>Catalogue</source>
        <translation>著录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="206" />
        <source>Leaf format</source>
        <translation>版式</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="207" />
        <source>Seals</source>
        <translation>钤印</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="208" />
        <source>Annotations and colophons</source>
        <translation>批校题跋</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="209" />
        <source>Parts and links</source>
        <translation>子目</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="210" />
        <source>Grade and damage</source>
        <translation>定级与破损</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="210" />
        <source>Images</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="211" />
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="234" />
        <source>Submit for review</source>
        <translation>提交审核</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="234" />
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="235" />
        <source>Return for correction…</source>
        <translation>返修…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="235" />
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="243" />
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="247" />
        <source>Close (Esc)</source>
        <translation>关闭（Esc）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="373" />
        <location filename="../../guji/gui/census/editor.py" line="312" />
        <source>loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="347" />
        <source>New record</source>
        <translation>新建记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="348" />
        <source>Leave empty to take the next number of the institution</source>
        <translation>留空则取本单位下一个编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="350" />
        <source>next: %1</source>
        <translation>下一个：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="362" />
        <source>This record is %1 and locked: a reviewer must return or reopen it before it can be edited.</source>
        <translation>本记录状态为%1，已锁定：须由审核员退回或重新打开后才能编辑。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="569" />
        <location filename="../../guji/gui/census/editor.py" line="365" />
        <source>Read only: you may not edit records of %1.</source>
        <translation>只读：您无权编辑%1的记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="367" />
        <source>Read only: registering records needs the role census staff.</source>
        <translation>只读：登记记录需要著录员角色。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="398" />
        <source>Returned for correction: see the comments at the marked fields.</source>
        <translation>已退回返修：请查看标出字段旁的意见。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="451" />
        <source>Reviewer: %1</source>
        <translation>审核意见：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="469" />
        <source>%1 error(s), %2 warning(s)</source>
        <translation>%1 个错误，%2 个警告</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="530" />
        <location filename="../../guji/gui/census/editor.py" line="514" />
        <source>Not saved: correct the marked fields first.</source>
        <translation>未保存：请先改正标出的字段。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="517" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="525" />
        <source>Not saved: the record was changed by someone else.</source>
        <translation>未保存：这条记录已被他人修改。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="566" />
        <source>The record is now %1 and locked: it can only be reloaded.</source>
        <translation>这条记录现在%1，已锁定：只能重新载入。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="585" />
        <source>Reloaded: your edits were discarded.</source>
        <translation>已重新载入：您的修改已放弃。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="595" />
        <source>Not saved: the record was changed by someone else; your edits are still here.</source>
        <translation>未保存：这条记录已被他人修改；您的修改仍在表单中。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="606" />
        <source>Save your edits first (%1).</source>
        <translation>请先保存您的修改（%1）。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="614" />
        <source>Nothing was changed. The record now shows what is stored; check it and try again.</source>
        <translation>什么也没有改动。表单现在显示库中的记录；请核对后再试。</translation>
    </message>
</context><context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="43" />
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="50" />
        <source>New: %1   Updated: %2   Skipped: %3   Errors: %4   Warnings: %5</source>
        <translation>新增：%1　更新：%2　跳过：%3　错误：%4　警告：%5</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="58" />
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="60" />
        <source>Trial run: nothing was written.</source>
        <translation>试运行：未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="62" />
        <source>The rows were written.</source>
        <translation>数据已写入。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="64" />
        <source>Nothing was written: correct the errors and import again.</source>
        <translation>未写入任何数据：请改正错误后重新导入。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="68" />
        <source>The problems are also saved in %1</source>
        <translation>问题清单另存于 %1</translation>
    </message>
</context><context>
    <name>RestorationPage</name>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="66" />
        <source>Restoration</source>
        <translation>修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="83" />
        <source>Select a job</source>
        <translation>请选择修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="100" />
        <source>Overview</source>
        <translation>概况</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="100" />
        <source>Condition</source>
        <translation>破损状况</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="101" />
        <source>Plan</source>
        <translation>修复方案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="101" />
        <source>pH</source>
        <translation>pH</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="102" />
        <source>Dyeing</source>
        <translation>染纸</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="102" />
        <source>Sessions</source>
        <translation>修复记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="103" />
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="103" />
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="104" />
        <source>Acceptance</source>
        <translation>验收</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="118" />
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="122" />
        <source>restorer login</source>
        <translation>修复师登录名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="124" />
        <source>All institutions</source>
        <translation>全部单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="129" />
        <location filename="../../guji/gui/restoration/page.py" line="125" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="126" />
        <source>Restorer</source>
        <translation>修复师</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="127" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="129" />
        <source>Job</source>
        <translation>档案号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="129" />
        <source>Title</source>
        <translation>题名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="129" />
        <source>Restorers</source>
        <translation>修复人员</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="130" />
        <source>Opened</source>
        <translation>开档日期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="133" />
        <source>New job…</source>
        <translation>新建档案…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="261" />
        <source>Nothing was saved. %1 has been loaded again as it is now; make your change again if it is still needed.</source>
        <translation>什么也没有保存。已重新载入 %1 的现状；如仍需要，请重新修改。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="292" />
        <location filename="../../guji/gui/restoration/page.py" line="289" />
        <source>New job</source>
        <translation>新建修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="289" />
        <source>Census number of the item:</source>
        <translation>古籍的普查编号：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="292" />
        <source>Requested by:</source>
        <translation>送修人/部门：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/page.py" line="337" />
        <source>Wrote %1</source>
        <translation>已写出 %1</translation>
    </message>
</context><context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="57" />
        <source>Return for correction</source>
        <translation>返修</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="61" />
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="66" />
        <source>Comments on fields</source>
        <translation>字段意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="69" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="69" />
        <source>What to correct</source>
        <translation>需改正之处</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="75" />
        <source>Add field comment</source>
        <translation>添加字段意见</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="77" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context><context>
    <name>ReviewActions</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="150" />
        <source>Nothing was done: the record changed after it was shown. It is shown again as it is now; check it and try again.</source>
        <translation>什么也没有做：这条记录在显示之后已被修改。现已重新显示其现状；请核对后再试。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="190" />
        <source>Reopen record</source>
        <translation>重新打开记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="191" />
        <source>Why must this approved record be corrected?</source>
        <translation>为何需要修改这条已审核的记录？</translation>
    </message>
</context><context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="212" />
        <source>Queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="228" />
        <location filename="../../guji/gui/census/review.py" line="216" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="228" />
        <location filename="../../guji/gui/census/review.py" line="216" />
        <source>Review state</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="216" />
        <source>Records</source>
        <translation>记录数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="223" />
        <source>Awaiting me</source>
        <translation>待我处理</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="227" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="227" />
        <source>Title and juan</source>
        <translation>题名卷数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="228" />
        <source>Edition</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="236" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="240" />
        <source>Submit for review</source>
        <translation>提交审核</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="241" />
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="242" />
        <source>Return for correction…</source>
        <translation>返修…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="243" />
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
</context><context>
    <name>RowsTab</name>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/rows.py" line="26" />
        <source>Add row</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor_tabs/rows.py" line="27" />
        <source>Remove row</source>
        <translation>删除一行</translation>
    </message>
</context><context>
    <name>SessionsTab</name>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="57" />
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="35" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="35" />
        <source>Restorer</source>
        <translation>修复师</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="57" />
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="35" />
        <source>Hours</source>
        <translation>工时</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="58" />
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="35" />
        <source>Leaves</source>
        <translation>叶数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="36" />
        <source>Operations</source>
        <translation>工序</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="36" />
        <source>Materials</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="36" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="54" />
        <source>operations, e.g. 补洞 溜口</source>
        <translation>工序，如 补洞 溜口</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="56" />
        <source>notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="63" />
        <source>Record session</source>
        <translation>记录修复</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/tabs/sessions.py" line="84" />
        <source>Total: %1 sessions, %2 h, %3 leaves, %4 leaves/h</source>
        <translation>合计：%1 次，%2 小时，%3 叶，每小时 %4 叶</translation>
    </message>
</context><context>
    <name>StaleDialog</name>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="69" />
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="87" />
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="87" />
        <source>When you opened it</source>
        <translation>您打开时</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="87" />
        <source>Yours</source>
        <translation>您的</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="88" />
        <source>Stored now</source>
        <translation>现存的</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="88" />
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="110" />
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="112" />
        <source>Discard your edits and load the record as it is stored now</source>
        <translation>放弃您的修改，载入库中现存的记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="114" />
        <source>Merge field by field</source>
        <translation>逐项合并</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="116" />
        <source>Keep the changes of both as the table shows, and save</source>
        <translation>按表中所示保留双方的修改，并保存</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="118" />
        <source>Overwrite…</source>
        <translation>覆盖…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="120" />
        <source>Save your version over theirs (asks again first)</source>
        <translation>用您的版本覆盖对方的修改（会再确认一次）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="122" />
        <source>Keep editing</source>
        <translation>继续编辑</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="145" />
        <source>Your version and the stored one hold the same values: merging saves them unchanged.</source>
        <translation>您的版本与现存版本各项相同：合并将原样保存。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="149" />
        <source>%1 item(s) differ: %2 changed by you only, %3 by them only, %4 changed by both differently (choose for each).</source>
        <translation>共 %1 项不同：%2 项只有您改过，%3 项只有对方改过，%4 项双方改得不同（请逐项选择）。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="167" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="167" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="199" />
        <source>yours</source>
        <translation>您的</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="200" />
        <source>stored</source>
        <translation>现存的</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="213" />
        <source>yours (only you changed it)</source>
        <translation>您的（只有您改过）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="213" />
        <source>stored (only they changed it)</source>
        <translation>现存的（只有对方改过）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="214" />
        <source>same change by both</source>
        <translation>双方改得相同</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="244" />
        <source>Choose yours or stored for: %1</source>
        <translation>请为以下项目选择“您的”或“现存的”：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="248" />
        <source>Merging saves the items as the last column says.</source>
        <translation>合并将按最后一列保存各项。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="266" />
        <source>someone else</source>
        <translation>他人</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="276" />
        <location filename="../../guji/gui/census/stale_dialog.py" line="270" />
        <source>Overwrite</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="271" />
        <source>Overwrite the changes of %1?</source>
        <translation>覆盖 %1 的修改？</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="274" />
        <source>Their changes to these items will be replaced by yours: %1</source>
        <translation>对方对以下项目的修改将被您的版本替换：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/stale_dialog.py" line="277" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context><context>
    <name>StaleNotice</name>
    <message>
        <location filename="../../guji/gui/stale.py" line="19" />
        <source>Someone else changed it after you opened it.</source>
        <translation>在您打开后已被他人修改。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/stale.py" line="20" />
        <source>Changed by %1 at %2.</source>
        <translation>已被 %1 于 %2 修改。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/stale.py" line="27" />
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
</context><context>
    <name>TrialGrid</name>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="178" />
        <source>Trial</source>
        <translation>试样</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="178" />
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="178" />
        <source>Trial L*a*b*</source>
        <translation>试样 L*a*b*</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="178" />
        <source>Target L*a*b*</source>
        <translation>目标 L*a*b*</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="179" />
        <source>Result</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="194" />
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="194" />
        <source>fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="196" />
        <source>darker than original</source>
        <translation>比原纸深</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="198" />
        <source>accepted</source>
        <translation>采用</translation>
    </message>
    <message>
        <location filename="../../guji/gui/restoration/grids.py" line="214" />
        <source>pass when ΔE00 ≤ %1</source>
        <translation>ΔE00 ≤ %1 为合格</translation>
    </message>
</context><context>
    <name>VaultPanel</name>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="192" />
        <source>Overdue only</source>
        <translation>仅显示逾期</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="196" />
        <source>Check out / in…</source>
        <translation>出入库…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="200" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="200" />
        <source>Title and juan</source>
        <translation>题名卷数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="200" />
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="201" />
        <source>To whom</source>
        <translation>交给</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="201" />
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="201" />
        <source>Out</source>
        <translation>出库时间</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="201" />
        <source>Due date</source>
        <translation>应还日期</translation>
    </message>
</context><context>
    <name>guji</name>
    <message>
        <location filename="../../guji/gui/worker.py" line="143" />
        <source>guji</source>
        <translation>guji</translation>
    </message>
</context></TS>