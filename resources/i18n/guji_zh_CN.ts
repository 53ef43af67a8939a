<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1">
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
        <location filename="../../guji/gui/mainwindow.py" line="58" />
        <source>Census register</source>
        <translation>普查登记</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="58" />
        <source>The census register is not available in this build.</source>
        <translation>本版本未包含普查登记模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="59" />
        <source>Restoration</source>
        <translation>修复档案</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="59" />
        <source>The restoration archive is not available in this build.</source>
        <translation>本版本未包含修复档案模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="60" />
        <source>Imaging</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="60" />
        <source>Page imaging is not available in this build.</source>
        <translation>本版本未包含影像模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="61" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="61" />
        <source>Exports are not available in this build.</source>
        <translation>本版本未包含导出模块。</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="82" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="85" />
        <source>User: %1 (%2) %3</source>
        <translation>用户：%1（%2）%3</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="86" />
        <source>provincial centre</source>
        <translation>省古籍保护中心</translation>
    </message>
    <message>
        <location filename="../../guji/gui/mainwindow.py" line="92" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context><context>
    <name>guji</name>
    <message>
        <location filename="../../guji/gui/worker.py" line="135" />
        <source>guji</source>
        <translation>guji</translation>
    </message>
</context></TS>