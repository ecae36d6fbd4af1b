import ZichaKit
