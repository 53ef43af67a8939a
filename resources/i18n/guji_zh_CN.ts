<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../guji/gui/pages.py" line="79" />
        <source>Administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="84" />
        <source>Institutions</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="86" />
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="92" />
        <location filename="../../guji/gui/pages.py" line="86" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="86" />
        <source>Provincial centre</source>
        <translation>省中心</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="90" />
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="92" />
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="92" />
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="92" />
        <source>Institution</source>
        <translation>收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="92" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="97" />
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="116" />
        <source>(centre)</source>
        <translation>（中心）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="116" />
        <source>active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../guji/gui/pages.py" line="116" />
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
    <name>CensusPage</name>
    <message>
        <location filename="../../guji/gui/census/page.py" line="61" />
        <source>Census register</source>
        <translation type="unfinished">普查登记</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="76" />
        <source>New record</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="77" />
        <source>Open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="78" />
        <source>Check out / in…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="79" />
        <source>Submit for review</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="80" />
        <source>Approve</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="81" />
        <source>Return for correction…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="83" />
        <source>Reopen…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="84" />
        <source>Import Excel…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="87" />
        <source>The Excel import is not available in this build.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="104" />
        <source>Search title, author, edition, census or call number…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="124" />
        <location filename="../../guji/gui/census/page.py" line="114" />
        <source>Dynasty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="124" />
        <location filename="../../guji/gui/census/page.py" line="116" />
        <source>Edition type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="125" />
        <location filename="../../guji/gui/census/page.py" line="118" />
        <source>Grade</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="125" />
        <location filename="../../guji/gui/census/page.py" line="119" />
        <source>Damage</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="150" />
        <location filename="../../guji/gui/census/page.py" line="126" />
        <location filename="../../guji/gui/census/page.py" line="121" />
        <source>Institution</source>
        <translation type="unfinished">收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="149" />
        <location filename="../../guji/gui/census/page.py" line="127" />
        <location filename="../../guji/gui/census/page.py" line="122" />
        <source>Review state</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="130" />
        <source>Years</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="136" />
        <source>Clear</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="146" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="146" />
        <source>Call number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="147" />
        <source>Title and juan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="147" />
        <source>Author</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="148" />
        <source>Edition</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="148" />
        <source>Volumes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="149" />
        <source>Extant juan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="175" />
        <source>Register</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="182" />
        <source>Review queue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="184" />
        <source>Vault</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="335" />
        <location filename="../../guji/gui/census/page.py" line="213" />
        <source>(any)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="260" />
        <source>searching…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="279" />
        <location filename="../../guji/gui/census/page.py" line="267" />
        <source>%1 records</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="269" />
        <source>more than %1 records, counting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/page.py" line="363" />
        <source>Select a record first.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ImagingPage</name>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="83" />
        <source>Imaging</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="122" />
        <source>Census record</source>
        <translation>普查记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="127" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="130" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="134" />
        <source>Record selected in the register</source>
        <translation>登记表中选中的记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="137" />
        <source>No record chosen.</source>
        <translation>尚未选择记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="141" />
        <source>Images of the record (书影):</source>
        <translation>本记录的书影：</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="153" />
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="157" />
        <source>Add images…</source>
        <translation>添加图像…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="160" />
        <source>Save role/caption</source>
        <translation>保存类别/说明</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="162" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="163" />
        <source>Remove the image from this record (the stored scan is kept)</source>
        <translation>从本记录移除此图像（图像库中的原始扫描保留）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="170" />
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="172" />
        <source>Open a scan file…</source>
        <translation>打开扫描文件…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="175" />
        <source>Batch processing…</source>
        <translation>批量处理…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="189" />
        <source>Zoom in (+ or the mouse wheel)</source>
        <translation>放大（+ 或鼠标滚轮）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="190" />
        <source>Zoom out (-)</source>
        <translation>缩小（-）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="191" />
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="191" />
        <source>Fit the page in the window (0)</source>
        <translation>整页适合窗口（0）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="192" />
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="192" />
        <source>Actual pixels</source>
        <translation>实际像素</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="193" />
        <source>Rotate 90°</source>
        <translation>旋转 90°</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="193" />
        <source>Turn the view by 90° (R); the image is not changed</source>
        <translation>视图旋转 90°（R）；图像本身不改变</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="202" />
        <source>Page box</source>
        <translation>页面框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="202" />
        <source>Frame</source>
        <translation>版框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="202" />
        <source>Split line</source>
        <translation>版心线</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="203" />
        <source>Column lines</source>
        <translation>行线</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="203" />
        <source>Damage</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="215" />
        <source>Choose a record's image or open a scan file.</source>
        <translation>请选择记录的图像，或打开扫描文件。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="221" />
        <source>Apply measured frame size to the record</source>
        <translation>将测得的版框尺寸填入记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="271" />
        <source>Select a record in the census register first.</source>
        <translation>请先在普查登记表中选择一条记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="292" />
        <source>not recorded</source>
        <translation>未著录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="294" />
        <source>Frame (版框): %1</source>
        <translation>版框：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="295" />
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="326" />
        <source>Choose a record first.</source>
        <translation>请先选择记录。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="328" />
        <source>Add images to the record</source>
        <translation>为记录添加图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="382" />
        <location filename="../../guji/gui/imaging/page.py" line="329" />
        <source>Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)</source>
        <translation>图像 (*.tif *.tiff *.jpg *.jpeg *.png);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="381" />
        <source>Open a scan</source>
        <translation>打开扫描图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="396" />
        <source>Loading %1…</source>
        <translation>正在载入 %1…</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="416" />
        <source>Cannot show this image: %1</source>
        <translation>无法显示此图像：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="428" />
        <source>The analysis failed: %1</source>
        <translation>分析失败：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="447" />
        <source>Not in this analysis</source>
        <translation>本次分析中没有此项</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="453" />
        <source>no resolution in the file</source>
        <translation>文件中无分辨率</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="454" />
        <source>skew %1°</source>
        <translation>倾斜 %1°</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="459" />
        <source>frame %1 × %2 cm</source>
        <translation>版框 %1 × %2 厘米</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="463" />
        <source>frame %1 × %2 px</source>
        <translation>版框 %1 × %2 像素</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="465" />
        <source>no frame found</source>
        <translation>未找到版框</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="467" />
        <source>uncut leaf, 版心 at x = %1</source>
        <translation>筒子页，版心位于 x = %1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="469" />
        <source>%1 lines per half-leaf</source>
        <translation>半叶 %1 行</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="470" />
        <source>damage %1%</source>
        <translation>破损 %1%</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="481" />
        <source>Show an image of a census record first</source>
        <translation>请先显示某条普查记录的图像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="490" />
        <source>%1: frame %2 × %3 cm written</source>
        <translation>%1：已写入版框 %2 × %3 厘米</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="493" />
        <source> (half-leaf, 半框)</source>
        <translation>（半框）</translation>
    </message>
    <message>
        <location filename="../../guji/gui/imaging/page.py" line="495" />
        <source>; lines per half-leaf %1</source>
        <translation>；半叶行数 %1</translation>
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
        <location filename="../../guji/gui/mainwindow.py" line="43" />
        <source>guji — ancient books census, restoration and imaging</source>
        <translation>guji 古籍普查·修复·影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="60" />
        <source>Census register</source>
        <translation>普查登记</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="60" />
        <source>The census register is not available in this build.</source>
        <translation>本版本未包含普查登记模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="61" />
        <source>Restoration</source>
        <translation>修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="61" />
        <source>The restoration archive is not available in this build.</source>
        <translation>本版本未包含修复档案模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="62" />
        <source>Imaging</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="62" />
        <source>Page imaging is not available in this build.</source>
        <translation>本版本未包含影像模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="63" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="63" />
        <source>Exports are not available in this build.</source>
        <translation>本版本未包含导出模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="84" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="87" />
        <source>User: %1 (%2) %3</source>
        <translation>用户：%1（%2）%3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="88" />
        <source>provincial centre</source>
        <translation>省古籍保护中心</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="94" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context><context>
    <name>MovementDialog</name>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="72" />
        <source>Vault movements</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="106" />
        <location filename="../../guji/gui/census/vault.py" line="82" />
        <source>Check out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="90" />
        <source>due</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="122" />
        <location filename="../../guji/gui/census/vault.py" line="101" />
        <source>Purpose</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="122" />
        <location filename="../../guji/gui/census/vault.py" line="102" />
        <source>To whom</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <location filename="../../guji/gui/census/vault.py" line="103" />
        <source>Due date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="122" />
        <location filename="../../guji/gui/census/vault.py" line="104" />
        <source>Location</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <location filename="../../guji/gui/census/vault.py" line="105" />
        <source>Note</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="115" />
        <location filename="../../guji/gui/census/vault.py" line="111" />
        <source>Check in</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="114" />
        <source>Note on return (condition…)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="121" />
        <source>History</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="122" />
        <source>Out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="123" />
        <source>Back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="126" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context><context>
    <name>RecordEditor</name>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="134" />
        <source>Census record</source>
        <translation>普查记录</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="151" />
        <source>Institution</source>
        <translation type="unfinished">收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="179" />
        <source>Save (Ctrl+S)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="183" />
        <source>Close (Esc)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="230" />
        <source>not in list</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="276" />
        <source>Catalogue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="288" />
        <source>Dating</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="332" />
        <source>Leaf format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="339" />
        <source>half-leaf frame (半框)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="340" />
        <source>whole-leaf frame</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="363" />
        <source>Add row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="364" />
        <source>Remove row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="377" />
        <source>Seals</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="377" />
        <source>Seal text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="377" />
        <source>Owner</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="378" />
        <source>Position</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="383" />
        <source>Annotations and colophons</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="516" />
        <location filename="../../guji/gui/census/editor.py" line="511" />
        <location filename="../../guji/gui/census/editor.py" line="384" />
        <source>By</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="384" />
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="384" />
        <source>Description</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="436" />
        <location filename="../../guji/gui/census/editor.py" line="433" />
        <source>Open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="439" />
        <source>Parts (子目) of this collectanea</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="445" />
        <source>Parts and links</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="455" />
        <source>Grade and damage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="458" />
        <source>Confirmed grade</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="462" />
        <source>Suggested</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="466" />
        <source>Confirm grade</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="473" />
        <source>Grade to confirm</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="484" />
        <source>Page images of this record (书影) appear here once imaging is connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="490" />
        <source>Images</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="508" />
        <source>Review rounds</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="511" />
        <source>Step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="516" />
        <location filename="../../guji/gui/census/editor.py" line="511" />
        <source>When</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="516" />
        <location filename="../../guji/gui/census/editor.py" line="511" />
        <source>Detail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="513" />
        <source>Change history</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="516" />
        <source>Action</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="518" />
        <source>History</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="610" />
        <source>loading…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="647" />
        <source>New record</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="649" />
        <source>Leave empty to take the next number of the institution</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="652" />
        <source>next: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="663" />
        <source>This record is %1 and locked: a reviewer must return or reopen it before it can be edited.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="666" />
        <source>Read only: you may not edit records of %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="668" />
        <source>Read only: registering records needs the role census staff.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="680" />
        <source>(not confirmed)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="689" />
        <source>(save the record to see a suggestion)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="694" />
        <source>choose one of: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="698" />
        <source>(uses a rule that is not confirmed by the standard: check it)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="699" />
        <source>A suggestion only: confirm the grade to store it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="708" />
        <source>comment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="710" />
        <source>changed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="759" />
        <source>Returned for correction: see the comments at the marked fields.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="789" />
        <source>cannot date: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="793" />
        <source>ambiguous: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="844" />
        <source>Reviewer: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="862" />
        <source>%1 error(s), %2 warning(s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="927" />
        <location filename="../../guji/gui/census/editor.py" line="915" />
        <source>Not saved: correct the marked fields first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/editor.py" line="918" />
        <source>Saved %1</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="34" />
        <source>Import report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/importer.py" line="36" />
        <source>Rows new / updated / skipped / with errors, then the row errors:</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="50" />
        <source>Return for correction</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="54" />
        <source>Comment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="59" />
        <source>Comments on fields</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="62" />
        <source>Field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="62" />
        <source>What to correct</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="68" />
        <source>Add field comment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="70" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context><context>
    <name>ReviewActions</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="160" />
        <source>Reopen record</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="161" />
        <source>Why must this approved record be corrected?</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../../guji/gui/census/review.py" line="175" />
        <source>Queue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="188" />
        <location filename="../../guji/gui/census/review.py" line="179" />
        <source>Institution</source>
        <translation type="unfinished">收藏单位</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="188" />
        <location filename="../../guji/gui/census/review.py" line="179" />
        <source>Review state</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="179" />
        <source>Records</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="183" />
        <source>Awaiting me</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="187" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="187" />
        <source>Title and juan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="188" />
        <source>Edition</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="193" />
        <source>Open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="194" />
        <source>Submit for review</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="195" />
        <source>Approve</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="196" />
        <source>Return for correction…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/review.py" line="197" />
        <source>Reopen…</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>VaultPanel</name>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="189" />
        <source>Overdue only</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="193" />
        <source>Check out / in…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="197" />
        <source>Census number</source>
        <translation>普查编号</translation>
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="197" />
        <source>Title and juan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="197" />
        <source>Purpose</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="198" />
        <source>To whom</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="198" />
        <source>Location</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="198" />
        <source>Out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../guji/gui/census/vault.py" line="198" />
        <source>Due date</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>guji</name>
    <message>
        <location filename="../../guji/gui/worker.py" line="139" />
        <source>guji</source>
        <translation>guji</translation>
    </message>
</context></TS>