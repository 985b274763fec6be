import Classifier
import Yams
