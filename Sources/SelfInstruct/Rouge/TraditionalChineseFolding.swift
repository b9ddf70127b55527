// Traditional → simplified for common characters, so that the same request written in either script tokenizes the
// same in `zh` runs. Written here from general knowledge of the standard forms (no dictionary copied). The fold is
// one way: a traditional character maps to one simplified form (發→发, 後→后, 於→于). Traditional characters
// whose simplified form depends on the word (乾 → 干 or 乾, 著 → 着 or 著) are left out.

/// The folding table of `zh` runs, by Unicode scalar value.
enum TraditionalChineseFolding {
    /// Pairs written traditional-then-simplified.
    private static let pairs = """
        這这語语說说寫写請请們们國国時时對对會会學学來来個个為为點点關关與与於于開开問问題题種种見见長长東东\
        車车書书話话讀读詞词麼么還还沒没過过後后間间現现實实體体動动數数頭头從从電电機机經经將将應应愛爱\
        無无產产業业員员區区門门聽听覺觉給给氣气總总樣样讓让認认識识議议論论設设計计記记許许試试課课調调\
        談谈謝谢證证譯译護护變变難难雙双雜杂離离響响頁页順顺須须預预領领風风飛飞飯饭館馆馬马驗验魚鱼鳥鸟\
        黃黄齊齐龍龙萬万專专兩两嚴严豐丰臨临麗丽舉举義义習习買买賣卖亂乱爭争億亿僅仅價价眾众優优傳传傷伤\
        兒儿黨党蘭兰興兴養养內内冊册軍军農农決决況况減减幾几鳳凤劃划劉刘則则剛刚創创別别劇剧勸劝辦办務务\
        勵励勞劳勢势醫医華华協协單单衛卫廠厂廳厅歷历壓压參参號号嗎吗啟启吳吴圖图團团園园圍围場场壞坏塊块\
        聲声壽寿夢梦頭头奪夺嬰婴孫孙寧宁寶宝審审寬宽屬属層层歲岁島岛帶带幫帮廣广庫库應应張张彈弹徑径\
        態态憶忆懷怀戰战戲戏戶户擇择據据擔担揚扬換换損损擺摆攝摄敵敌斷断舊旧時时晝昼暫暂書书東东極极構构\
        槍枪樂乐標标樹树橋桥檢检歡欢殺杀毀毁氣气漢汉湯汤溝沟滅灭濕湿灣湾熱热燈灯爺爷牆墙獨独獲获環环現现\
        畫画當当療疗發发盡尽盤盘眾众確确礙碍禮礼禪禅稅税穩稳窮穷競竞筆笔節节範范築筑簡简糧粮紀纪約约紅红\
        紙纸級级細细終终組组結结給给絕绝統统絲丝經经綠绿網网線线練练總总績绩繼继續续罰罚聯联聖圣聞闻職职\
        腦脑臉脸興兴艦舰藝艺藥药處处虛虚術术衝冲補补裝装複复覽览規规視视親亲觀观訂订訊讯討讨訓训託托記记\
        訪访詞词評评詩诗該该詳详誠诚誤误說说課课誰谁請请諸诸講讲謂谓證证識识譜谱議议讀读變变讚赞豐丰\
        貝贝負负貢贡財财責责貨货貴贵費费資资賓宾賞赏賴赖購购趕赶趙赵跡迹踐践軟软載载較较輕轻輪轮輸输轉转\
        辭辞農农這这連连進进運运過过達达違违遠远適适選选遺遗邊边郵邮鄉乡醜丑釋释針针錢钱鐵铁錄录錯错鍵键\
        鏡镜長长門门閉闭開开閒闲間间閱阅闆板關关陽阳陰阴陳陈隊队階阶際际隨随險险隱隐雖虽雞鸡離离難难電电\
        靈灵靜静韓韩響响頂顶項项順顺預预領领頻频額额顏颜願愿類类顧顾顯显風风飛飞飲饮館馆饑饥馬马驅驱\
        驗验驚惊髒脏鬥斗魯鲁鮮鲜鳥鸟鹽盐麥麦黃黄齒齿龍龙龜龟讓让鐘钟櫃柜戀恋嶺岭歐欧滿满樓楼測测準准
        """

    /// Simplified scalar value for each traditional one in the table.
    static let simplified: [UInt32: UInt32] = {
        var map: [UInt32: UInt32] = [:]
        let scalars = Array(pairs.unicodeScalars.filter { $0.value >= 0x3400 })
        precondition(scalars.count % 2 == 0, "the folding table is written in pairs")
        for index in stride(from: 0, to: scalars.count, by: 2) {
            map[scalars[index].value] = scalars[index + 1].value
        }
        return map
    }()

    /// `value` in simplified form where the table knows one, else `value`.
    @inline(__always)
    static func fold(_ value: UInt32) -> UInt32 { simplified[value] ?? value }
}
