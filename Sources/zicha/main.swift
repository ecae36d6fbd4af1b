import ZichaKit
print(zichaVersion())
